package io.github.attentionzoo.zoo;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import io.github.attentionzoo.io.Messages;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a model directory's PyTorch parameters into a model whose block was built from its
 * metadata ({@link ModelDirectory#loadParameters}, {@link ModelDirectory#loadWithClasses}): the
 * file's size is checked before the engine reads it and every parameter's shape after, so a
 * truncated file, or metadata that does not describe the weights, is refused naming both.
 */
final class ParameterLoader {

    private ParameterLoader() {}

    /**
     * Builds the network {@code description} gives and loads the parameters of {@code dir} into it;
     * with {@code newClasses} >= 0 (the class count of {@code description}) the classifier is drawn afresh.
     */
    static Model load(ModelDirectory dir, ModelDescription description, Device device, int newClasses)
            throws IOException {
        Model model = ModelDirectory.newModel(description, device);
        try {
            load(dir, model, newClasses);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /**
     * Loads the parameters of {@code dir} into {@code model}; with {@code newClasses} ≥ 0 the model's classifier has that many
     * outputs instead of the directory's, and gets fresh values.
     */
    static void load(ModelDirectory dir, Model model, int newClasses) throws IOException {
        ModelDescription metadata = dir.metadata();
        Path path = dir.path();
        Path params = dir.parametersFile();
        long size = Files.size(params);
        String architecture = metadata.architecture();
        Block block = model.getBlock();
        Map<NDArray, Boolean> drawn = new IdentityHashMap<>();
        if (!block.isInitialized()) {
            ModelDirectory.initialize(model, metadata.inputSize());
            for (Pair<String, Parameter> p : block.getParameters()) {
                drawn.put(p.getValue().getArray(), Boolean.TRUE);
            }
        }
        Set<String> head = newClasses >= 0 ? ModelDirectory.headNames(block) : Set.of();
        // What the file must hold: the initialized shapes, the classifier's with the directory's class count.
        PairList<String, Parameter> got = block.getParameters();
        List<Shape> want = new ArrayList<>();
        Map<String, Shape> fresh = new HashMap<>();
        for (Pair<String, Parameter> p : got) {
            Shape s = p.getValue().getArray().getShape();
            if (head.contains(p.getKey())) {
                fresh.put(p.getKey(), s);
                if (s.dimension() > 0 && s.get(0) == newClasses) {
                    long[] dims = s.getShape().clone(); // getShape() hands out the shape's own array
                    dims[0] = metadata.numClasses();
                    s = new Shape(dims);
                }
            }
            want.add(s);
        }
        long needed = 4 * want.stream().mapToLong(Shape::size).sum();
        // Checked before DJL reads it: every stored array is at least its float32 data, so a shorter
        // file is truncated, and no array it declares can be larger than the file.
        if (size == 0) {
            throw new IOException(params + ": parameter file is empty");
        }
        if (size < needed) {
            throw new IOException(String.format(Locale.ROOT, "%s: %,d bytes, fewer than the %,d that %s with"
                    + " the options in %s (%s) needs: the file is truncated, or the metadata does not describe these"
                    + " weights", params, size, needed, architecture, path.resolve(ModelDirectory.METADATA), metadata.options()));
        }
        // DJL restores the properties a model was saved with: this model's own say what it is now.
        Map<String, String> own = new HashMap<>(model.getProperties());
        try {
            model.load(path, architecture);
        } catch (MalformedModelException | IOException | RuntimeException | OutOfMemoryError e) {
            if (e instanceof java.io.EOFException) {
                throw new IOException(params + ": truncated parameter file (it ends before its last parameter)", e);
            }
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : Messages.firstLine(e.getMessage());
            throw new IOException(params + ": damaged parameter file, or one that does not fit "
                    + architecture + " (" + reason + ")", e);
        } finally {
            own.forEach(model::setProperty);
        }
        // The values drawn only to learn the shapes: the file's replaced them.
        for (Pair<String, Parameter> p : block.getParameters()) {
            drawn.remove(p.getValue().getArray());
        }
        drawn.keySet().forEach(NDArray::close);
        checkShapes(metadata, got, params, want);
        for (Pair<String, Parameter> p : got) {
            if (head.contains(p.getKey())) {
                // The old classifier's values go; the new one starts from its initializer.
                Parameter parameter = p.getValue();
                parameter.close();
                parameter.setShape(fresh.get(p.getKey()));
                parameter.initialize(model.getNDManager(), DataType.FLOAT32);
            }
        }
    }

    /**
     * Compares every loaded parameter's shape with the one the metadata's architecture and options
     * give: DJL takes a stored array as it is, so metadata whose {@code num_classes} or SE widths
     * contradict the weights would otherwise load, and be copied on export.
     */
    private static void checkShapes(ModelDescription metadata, PairList<String, Parameter> got, Path params, List<Shape> want)
            throws IOException {
        for (int i = 0; i < want.size(); i++) {
            Shape w = want.get(i);
            Shape g = got.get(i).getValue().getArray().getShape();
            if (!w.equals(g)) {
                throw new IOException(String.format(Locale.ROOT, "%s: parameter %s has shape %s, but %s with the options in %s"
                        + " (%s) needs %s: the metadata does not describe these weights", params,
                        got.get(i).getKey(), g, metadata.architecture(), ModelDirectory.METADATA, metadata.options(), w));
            }
        }
    }

}
