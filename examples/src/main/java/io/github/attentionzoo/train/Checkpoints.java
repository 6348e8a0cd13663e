package io.github.attentionzoo.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.MalformedModelException;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import io.github.attentionzoo.zoo.AtomicFiles;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Per-epoch checkpoints in {@code <output>/checkpoints/epoch-NNNN/}: the parameters ({@code
 * model.params}, DJL's format), the optimizer's state ({@code optimizer.ndlist}) and the run's
 * state and metric history ({@code state.json}). Each directory is written whole and renamed into
 * place, so a directory that exists is complete; the newest two are kept.
 */
public final class Checkpoints {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
    private static final int KEEP = 2;

    private final Path root;

    /**
     * Creates a checkpoint store.
     *
     * @param outputDir the run's output directory
     */
    public Checkpoints(Path outputDir) {
        this.root = outputDir.resolve("checkpoints");
    }

    /** What a run needs to continue, besides parameters and optimizer state. */
    public static final class State {
        /** The architecture's name. */
        public String model;
        /** The recipe, as text, for the record. */
        public String recipe;
        /** Epochs completed. */
        public int epoch;
        /** Optimizer steps completed. */
        public long step;
        /** The data seed. */
        public long seed;
        /** Wall-clock seconds spent training so far, across resumes. */
        public double wallSeconds;
        /** One row per completed epoch. */
        public List<EpochMetrics> history = new ArrayList<>();
    }

    /**
     * Writes a checkpoint for the epoch in {@code state}.
     *
     * @param block the network
     * @param optimizerState the optimizer's named state
     * @param state the run state
     * @throws IOException when writing fails (the previous checkpoint is untouched)
     */
    public void save(Block block, NDList optimizerState, State state) throws IOException {
        Path dir = root.resolve(String.format("epoch-%04d", state.epoch));
        AtomicFiles.writeDirectory(dir, tmp -> {
            try (DataOutputStream out = new DataOutputStream(
                    new BufferedOutputStream(Files.newOutputStream(tmp.resolve("model.params"))))) {
                block.saveParameters(out);
            }
            try (BufferedOutputStream out = new BufferedOutputStream(
                    Files.newOutputStream(tmp.resolve("optimizer.ndlist")))) {
                optimizerState.encode(out);
            }
            Files.writeString(tmp.resolve("state.json"), GSON.toJson(state), StandardCharsets.UTF_8);
        });
        List<Path> all = list();
        for (int i = 0; i < all.size() - KEEP; i++) {
            AtomicFiles.deleteTree(all.get(i));
        }
    }

    /**
     * Returns the complete checkpoint directories, oldest first.
     *
     * @return the directories
     * @throws IOException when the directory cannot be listed
     */
    public List<Path> list() throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> p.getFileName().toString().matches("epoch-\\d{4,}"))
                    .filter(Files::isDirectory)
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        }
    }

    /**
     * Returns the newest checkpoint, or null when there is none.
     *
     * @return the directory or null
     * @throws IOException when the directory cannot be listed
     */
    public Path latest() throws IOException {
        List<Path> all = list();
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /**
     * Reads a checkpoint's run state.
     *
     * @param dir the checkpoint
     * @return the state
     * @throws IOException when it cannot be read or parsed
     */
    public static State readState(Path dir) throws IOException {
        try {
            State s = GSON.fromJson(Files.readString(dir.resolve("state.json")), State.class);
            if (s == null || s.model == null) {
                throw new IOException(dir + "/state.json: incomplete checkpoint state");
            }
            return s;
        } catch (JsonParseException e) {
            throw new IOException(dir + "/state.json: corrupt checkpoint state: " + e.getMessage(), e);
        }
    }

    /**
     * Loads a checkpoint's parameters into an initialized block.
     *
     * @param dir the checkpoint
     * @param block the block
     * @param manager the manager for the arrays
     * @throws IOException when the file cannot be read or does not fit the block
     */
    public static void loadParameters(Path dir, Block block, NDManager manager) throws IOException {
        Path file = dir.resolve("model.params");
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            block.loadParameters(manager, in);
        } catch (MalformedModelException | RuntimeException e) {
            throw new IOException(file + ": parameters do not fit this model: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a checkpoint's optimizer state.
     *
     * @param dir the checkpoint
     * @param manager the manager for the arrays
     * @return the named state
     * @throws IOException when the file cannot be read
     */
    public static NDList readOptimizerState(Path dir, NDManager manager) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(dir.resolve("optimizer.ndlist")))) {
            return NDList.decode(manager, in);
        }
    }
}
