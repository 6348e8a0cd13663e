package io.github.attentionzoo.train;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import io.github.attentionzoo.io.AtomicFiles;
import io.github.attentionzoo.io.Messages;
import io.github.attentionzoo.io.TextFiles;
import io.github.attentionzoo.zoo.ModelDirectory;
import io.github.attentionzoo.zoo.Precision;
import io.github.attentionzoo.zoo.ModelMetadata;
import io.github.attentionzoo.zoo.Recipe;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Per-epoch checkpoints in {@code <output>/checkpoints/epoch-NNNN/}: a model directory (parameters,
 * {@code attentionzoo.json}, synset, serving.properties), the optimizer's state ({@code
 * optimizer.ndlist}) and the run's state and metric history ({@code state.json}). Each directory
 * is written whole and renamed into place, so a directory that exists is complete; the newest two
 * are kept.
 */
public final class Checkpoints {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
    private static final int KEEP = 2;

    /** The bare parameter file of checkpoints written before they became model directories. */
    private static final String LEGACY_PARAMS = "model.params";

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
        /** The recipe: an object as {@link Recipe#toJson()} writes it, or the text earlier versions stored. */
        public JsonElement recipe;
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

        /**
         * Returns the recipe the run was started with.
         *
         * @return the recipe
         * @throws IllegalArgumentException when the stored recipe cannot be read
         */
        public Recipe recipe() {
            if (recipe == null || recipe.isJsonNull()) {
                throw new IllegalArgumentException("the checkpoint's state records no recipe");
            }
            return Recipe.fromJson(recipe);
        }
    }

    /** The run state's file inside a checkpoint. */
    public static final String STATE = "state.json";
    /** The optimizer state's file inside a checkpoint. */
    public static final String OPTIMIZER = "optimizer.ndlist";
    /**
     * The trained weights' file inside a checkpoint of a recipe with {@code ema}, whose model files
     * hold the weights' average.
     */
    public static final String TRAINED = "trained.ndlist";

    /**
     * Writes a checkpoint for the epoch in {@code state}. The directory is also a complete model
     * directory (parameters in DJL's model format, metadata, synset, serving.properties), so
     * {@code evaluate}, {@code explain} or {@code export-serving} take it as {@code --model-dir}.
     *
     * @param model the model being trained
     * @param optimizerState the optimizer's named state
     * @param state the run state
     * @param metadata what the model is, with the training record up to this epoch
     * @param synset the class names
     * @throws IOException when writing fails (the previous checkpoint is untouched)
     */
    @SuppressWarnings("deprecation") // TrainingRun keeps the training record in the mutable form.
    public void save(Model model, NDList optimizerState, State state, ModelMetadata metadata, List<String> synset)
            throws IOException {
        save(model, optimizerState, null, state, metadata, synset);
    }

    /**
     * Writes a checkpoint as {@link #save(Model, NDList, State, ModelMetadata, List)} does; for a
     * recipe that averages the weights, the model holds the average and {@code trained} the
     * weights as trained ({@value #TRAINED}), which a resume continues from.
     *
     * @param model the model being trained
     * @param optimizerState the optimizer's named state
     * @param trained the trained weights, or null when the model holds them
     * @param state the run state
     * @param metadata what the model is, with the training record up to this epoch
     * @param synset the class names
     * @throws IOException when writing fails (the previous checkpoint is untouched)
     */
    @SuppressWarnings("deprecation") // as the overload above
    public void save(Model model, NDList optimizerState, NDList trained, State state, ModelMetadata metadata,
            List<String> synset) throws IOException {
        Path dir = root.resolve(String.format(Locale.ROOT, "epoch-%04d", state.epoch));
        AtomicFiles.writeDirectory(dir, tmp -> {
            model.save(tmp, metadata.architecture);
            ModelDirectory.writeDescription(tmp, metadata.toDescription(), synset, ModelDirectory.PYTORCH, Precision.FP32);
            try (BufferedOutputStream out = new BufferedOutputStream(
                    Files.newOutputStream(tmp.resolve(OPTIMIZER)))) {
                optimizerState.encode(out);
            }
            if (trained != null) {
                try (BufferedOutputStream out = new BufferedOutputStream(
                        Files.newOutputStream(tmp.resolve(TRAINED)))) {
                    trained.encode(out);
                }
            }
            Files.writeString(tmp.resolve(STATE), GSON.toJson(state), StandardCharsets.UTF_8);
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
                    // A checkpoint is renamed into place whole; a folder without its state is someone else's.
                    .filter(p -> Files.isRegularFile(p.resolve(STATE)))
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
     * Checks a checkpoint the way a resume reads it: its state, metadata, parameters (loaded into
     * a network built from its metadata) and optimizer state.
     *
     * @param dir the checkpoint
     * @return null when it is intact, else what is wrong, naming the file
     */
    public String damage(Path dir) {
        try (NDManager scratch = NDManager.newBaseManager()) {
            State state = readState(dir);
            state.recipe();
            if (!Files.exists(dir.resolve(LEGACY_PARAMS))) {
                ModelDirectory.open(dir).load(ModelDirectory.PYTORCH, null).close();
            }
            readOptimizerState(dir, scratch).close();
            if (state.recipe().ema() > 0) {
                readTrained(dir, scratch).close();
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return e.getMessage() == null ? dir + ": " + e.getClass().getSimpleName() : Messages.firstLine(e.getMessage());
        }
    }

    /**
     * Refuses a directory given to continue from that is no intact checkpoint.
     *
     * @param dir the directory
     * @param option the option that named it, for the message
     * @throws IllegalArgumentException naming the option, the directory and what is wrong
     */
    public void verify(Path dir, String option) {
        if (!Files.isRegularFile(dir.resolve(STATE))) {
            throw new IllegalArgumentException(option + " " + dir + ": not a checkpoint directory (no " + STATE
                    + "); checkpoints are in " + root);
        }
        String damage = damage(dir);
        if (damage != null) {
            throw new IllegalArgumentException(option + " " + dir + ": damaged checkpoint (" + damage + ")");
        }
    }

    /**
     * Returns the newest intact checkpoint older than {@code dir}.
     *
     * @param dir a checkpoint
     * @return the checkpoint, or null when none older is intact
     * @throws IOException when the directory cannot be listed
     */
    public Path newestIntactBefore(Path dir) throws IOException {
        List<Path> all = list();
        for (int i = all.size() - 1; i >= 0; i--) {
            Path p = all.get(i);
            if (p.getFileName().toString().compareTo(dir.getFileName().toString()) < 0 && damage(p) == null) {
                return p;
            }
        }
        return null;
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
            State s = GSON.fromJson(TextFiles.read(dir.resolve(STATE)), State.class);
            if (s == null || s.model == null || s.history == null || s.epoch < 0 || s.step < 0) {
                throw new IOException(dir.resolve(STATE) + ": incomplete checkpoint state");
            }
            return s;
        } catch (JsonParseException e) {
            throw new IOException(dir.resolve(STATE) + ": corrupt checkpoint state: "
                    + Messages.firstLine(e.getMessage()), e);
        }
    }

    /**
     * Loads a checkpoint's parameters into a model whose block is initialized.
     *
     * @param dir the checkpoint
     * @param model the model
     * @throws IOException when the file cannot be read or does not fit the block
     */
    public static void loadParameters(Path dir, Model model) throws IOException {
        Path legacy = dir.resolve(LEGACY_PARAMS);
        if (!Files.exists(legacy)) {
            ModelDirectory.open(dir).loadParameters(model);
            return;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(legacy)))) {
            model.getBlock().loadParameters(model.getNDManager(), in);
        } catch (MalformedModelException | RuntimeException e) {
            throw new IOException(legacy + ": parameters do not fit this model: " + e.getMessage(), e);
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
        return readArrays(dir.resolve(OPTIMIZER), "optimizer state", manager);
    }

    /**
     * Reads the trained weights of a checkpoint whose model holds their average.
     *
     * @param dir the checkpoint
     * @param manager the manager for the arrays
     * @return the arrays, one per parameter
     * @throws IOException when the file is missing or cannot be read
     */
    public static NDList readTrained(Path dir, NDManager manager) throws IOException {
        return readArrays(dir.resolve(TRAINED), "trained weights", manager);
    }

    private static NDList readArrays(Path file, String what, NDManager manager) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return NDList.decode(manager, in);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException(file + ": missing (the checkpoint's " + what + ")", e);
        } catch (IOException | RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new IOException(file + ": " + what + " is corrupt or truncated (" + reason + ")", e);
        }
    }
}
