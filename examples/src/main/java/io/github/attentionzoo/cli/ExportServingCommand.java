package io.github.attentionzoo.cli;

import ai.djl.Model;
import io.github.attentionzoo.interop.ActivationRanges;
import io.github.attentionzoo.io.AtomicFiles;
import io.github.attentionzoo.nn.SqueezeExcitation;
import io.github.attentionzoo.interop.OnnxFiles;
import io.github.attentionzoo.zoo.ModelDescription;
import io.github.attentionzoo.zoo.ModelDirectory;
import io.github.attentionzoo.zoo.Precision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code export-serving}: a model directory DJL Serving serves as it is. */
@Command(name = "export-serving", mixinStandardHelpOptions = true,
        description = "Write a model directory that DJL Serving serves as is (serving.properties, parameters, synset).")
final class ExportServingCommand implements Callable<Integer> {

    @Mixin ModelSource source;

    @Mixin EngineOption engine;

    @Mixin PrecisionOption precision;

    @Mixin CalibrationOptions calibration;

    @Mixin DirectoryOutput out;

    @Option(names = "--name", description = "The name to serve it under (default: the --output directory's name).")
    String name;

    @Override
    public Integer call() throws Exception {
        Path from = source.directory();
        out.check(from);
        Path output = out.dir;
        String served = name != null ? name : output.toAbsolutePath().normalize().getFileName().toString();
        if (!served.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
            throw new IllegalArgumentException((name != null ? "--name " : "--output ") + served + ": a served model's"
                    + " name takes letters, digits, '_', '.' and '-' (up to 128); give one with --name");
        }
        ModelDirectory dir = source.opened();
        ModelDescription metadata = dir.metadata();
        boolean onnx = engine.onnx();
        Path existingOnnx = onnx ? dir.onnxFile(Precision.FP32) : null;
        List<String> synset;
        // Loaded once, so that weights, metadata and class names that contradict each other are
        // refused, not copied: an .onnx that is copied is loaded on ONNX Runtime, the rest on PyTorch.
        try (Model model = existingOnnx != null ? source.load(engine) : source.load()) {
            model.getName();
            synset = dir.classNames();
        }
        Precision p = precision.get(engine);
        if (p == Precision.FP32 && calibration.data != null) {
            throw new IllegalArgumentException("--calibration-data is for --precision int8");
        }
        // Calibrated before the output is touched: a failure leaves nothing half-written.
        ActivationRanges ranges = p == Precision.INT8 ? calibration.ranges(dir) : null;
        Path params = onnx ? null : dir.parametersFile();
        AtomicFiles.writeDirectory(output, tmp -> {
            if (ranges != null) {
                ranges.write(tmp.resolve(ActivationRanges.FILE));
                OnnxFiles.export(dir, ranges, tmp.resolve(Precision.INT8.onnxName(metadata.architecture())));
            } else if (!onnx) {
                Files.copy(params, tmp.resolve(params.getFileName()));
            } else if (existingOnnx != null) {
                Files.copy(existingOnnx, tmp.resolve(metadata.architecture() + ".onnx"));
            } else {
                OnnxFiles.export(dir, tmp.resolve(metadata.architecture() + ".onnx"));
            }
            ModelDirectory.writeDescription(tmp, metadata, synset, engine.name(), p);
            ModelDirectory.checkLoads(tmp, output, engine.name(), p);
        });
        Path abs = output.toAbsolutePath().normalize();
        System.out.println("wrote " + abs + " (" + metadata.architecture() + ", " + synset.size() + " classes, on "
                + engine.name() + (ranges != null ? ", int8" : "") + "); to serve it with DJL Serving:");
        System.out.println("  1. put the two jars in the server's own deps folder (not the model folder):");
        System.out.println("     cp " + jarOf(SqueezeExcitation.class) + " " + jarOf(ModelDirectory.class)
                + " \"$MODEL_SERVER_HOME/deps/\"");
        System.out.println("  2. djl-serving -m " + served + "=file://" + abs);
        System.out.println("  3. curl -T image.png http://localhost:8080/predictions/" + served);
        return 0;
    }

    /** Where a class was loaded from: the jar a user copies into the server's deps folder. */
    private static String jarOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return type.getPackageName() + " jar";
        }
    }
}
