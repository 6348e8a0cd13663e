package io.github.attentionzoo.zoo;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.attentionzoo.engine.EngineSetup;
import io.github.attentionzoo.io.Messages;
import io.github.attentionzoo.io.OnnxMetadataProps;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whether a model directory's {@code .onnx} is the model its {@value ModelDirectory#METADATA}
 * describes: its own metadata_props, when it carries the project's, must name the same
 * architecture, class count and input size; one blank image must go in at that input size and
 * come out as one row of that many classes. {@link ModelDirectory#load} checks every file it
 * loads on ONNX Runtime this way, and so does {@link CifarTranslatorFactory} for a directory DJL
 * loaded by itself.
 */
public final class OnnxChecks {

    private OnnxChecks() {}

    /**
     * Checks the metadata of a directory's float32 {@code .onnx} without loading it, as loading it
     * on ONNX Runtime would: for a driver that says, once, what every executor's load will find.
     *
     * @param dir the directory
     * @return the sentence for the user that {@link ModelDirectory#load} records as {@link
     *     ModelDirectory#ONNX_UNCHECKED} when the file carries none of the project's metadata (a
     *     user's own export); null when it carries it, or the directory holds no {@code .onnx}
     * @throws IOException when the file's own metadata names another model than the directory's,
     *     or the file cannot be read, naming it
     */
    public static String unchecked(ModelDirectory dir) throws IOException {
        Path file = dir.onnxFile(Precision.FP32);
        return file == null ? null : checkMetadata(file, dir.metadata());
    }

    /**
     * Loads the ONNX file of a precision on ONNX Runtime, checking that it is the model the
     * metadata says: the architecture, class count and input size the file's own metadata_props
     * record (an export by this project) must match, and it must take that input and give that
     * many classes. A file without the project's metadata is checked by its shapes alone, and the
     * model's {@link ModelDirectory#ONNX_UNCHECKED} property says so.
     */
    static Model load(ModelDirectory dir, Device device, Map<String, ?> options, Precision precision) throws IOException {
        Path path = dir.path();
        ModelDescription metadata = dir.metadata();
        Path file = dir.onnxFile(precision);
        if (file == null && precision == Precision.INT8) {
            throw new NoSuchFileException(path.resolve(precision.onnxName(metadata.architecture())).toString(), null,
                    "no int8 model: export one with export-onnx --precision int8");
        }
        if (file == null) {
            throw new NoSuchFileException(path.toString(), null, "no .onnx file: export the model to ONNX first");
        }
        Model model = Model.newInstance(metadata.architecture(), device, ModelDirectory.ONNX_RUNTIME);
        try {
            ModelDirectory.describe(model, metadata);
            String prefix = file.getFileName().toString().replaceFirst("\\.onnx$", "");
            try {
                model.load(path, prefix, ModelDirectory.onnxOptions(options));
                EngineSetup.prepare(model.getNDManager().getEngine());
            } catch (MalformedModelException | RuntimeException e) {
                throw new IOException(file + ": not a model ONNX Runtime can load ("
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : Messages.firstLine(e.getMessage()))
                        + ")", e);
            }
            check(model, file, metadata);
            return model;
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Checks a model loaded on ONNX Runtime from {@code file} against its directory's metadata, as
     * {@link ModelDirectory#load} does; also called for a model DJL loaded by itself ({@code Criteria} with a
     * model path, DJL Serving), through {@link CifarTranslatorFactory}.
     */
    static void check(Model model, Path file, ModelDescription metadata) throws IOException {
        String unchecked = checkMetadata(file, metadata);
        if (unchecked != null) {
            model.setProperty(ModelDirectory.ONNX_UNCHECKED, unchecked);
        }
        checkShapes(model, file, metadata);
    }

    /**
     * Refuses an ONNX file whose own metadata names another architecture, class count or input size
     * than the directory's: shapes alone cannot tell resnet20 from se_resnet20.
     *
     * @return a note for the user when the file carries no metadata of this project, else null
     */
    private static String checkMetadata(Path file, ModelDescription metadata) throws IOException {
        Map<String, String> props = OnnxMetadataProps.read(file);
        String architecture = props.get("architecture");
        if (architecture == null) {
            return file + ": holds no attentionzoo metadata (an export of your own?), so whether it is "
                    + metadata.architecture() + " could not be checked; only its input and output shapes were";
        }
        List<String> differ = new ArrayList<>();
        List<String> want = new ArrayList<>();
        compare("architecture", architecture, metadata.architecture(), differ, want);
        compare("num_classes", props.get("num_classes"), Integer.toString(metadata.numClasses()), differ, want);
        compare("input_size", props.get("input_size"), Integer.toString(metadata.inputSize()), differ, want);
        if (!differ.isEmpty()) {
            throw new IOException(file + ": its own metadata says " + String.join(", ", differ) + ", but "
                    + file.resolveSibling(ModelDirectory.METADATA) + " says " + String.join(", ", want)
                    + ": the file is another model; export this one (export-onnx), or keep that file in its own directory");
        }
        return null;
    }

    private static void compare(String key, String got, String want, List<String> differ, List<String> wanted) {
        if (!want.equals(got)) {
            differ.add(key + "=" + (got == null ? "(absent)" : got));
            wanted.add(key + "=" + want);
        }
    }

    /**
     * Refuses an ONNX file of another input size or class count than its directory's metadata, by
     * running one blank image through it (DJL's ONNX Runtime block declares neither shape).
     */
    private static void checkShapes(Model model, Path file, ModelDescription metadata) throws IOException {
        int size = metadata.inputSize();
        String expected = ModelDirectory.METADATA + " in " + file.getParent() + " says input [N, 3, " + size + ", " + size
                + "] and output [N, " + metadata.numClasses() + "] (" + metadata.architecture() + ")";
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDList out;
            try {
                out = model.getBlock().forward(new ParameterStore(manager, false),
                        new NDList(manager.create(new float[3 * size * size], new Shape(1, 3, size, size))), false);
            } catch (RuntimeException e) {
                throw new IOException(file + ": does not take that input (" + Messages.firstLine(e.getMessage())
                        + "); " + expected, e);
            }
            Shape shape = out.size() == 1 ? out.head().getShape() : null;
            if (shape == null || shape.dimension() != 2 || shape.get(0) != 1 || shape.get(1) != metadata.numClasses()) {
                throw new IOException(file + ": gives " + (shape == null ? out.size() + " outputs" : "output of shape "
                        + shape + " for one image") + ", but " + expected);
            }
        }
    }

}
