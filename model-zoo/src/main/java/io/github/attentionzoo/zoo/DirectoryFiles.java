package io.github.attentionzoo.zoo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The names a model directory holds, listed once when it is opened, and which of them is the
 * parameter file or the ONNX file of a precision ({@link ModelDirectory#parametersFile}, {@link
 * ModelDirectory#onnxFile}). Immutable.
 */
final class DirectoryFiles {

    private final Path dir;
    private final String architecture;
    /** Every name in the directory, and which of them are regular files, as listed. */
    private final Set<String> names;
    private final Set<String> files;

    private DirectoryFiles(Path dir, String architecture, Set<String> names, Set<String> files) {
        this.dir = dir;
        this.architecture = architecture;
        this.names = names;
        this.files = files;
    }

    /** Lists {@code dir}, whose model is {@code architecture}. */
    static DirectoryFiles list(Path dir, String architecture) throws IOException {
        Set<String> names = new TreeSet<>();
        Set<String> files = new HashSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                names.add(name);
                if (Files.isRegularFile(p)) {
                    files.add(name);
                }
            }
        }
        return new DirectoryFiles(dir, architecture, names, files);
    }

    /** Whether the directory holds a name, of a file or anything else. */
    boolean contains(String name) {
        return names.contains(name);
    }

    /** Whether the directory holds a regular file of that name. */
    boolean hasFile(String name) {
        return files.contains(name);
    }

    /** The newest parameter file's name, or null. */
    String params() {
        Pattern numbered = Pattern.compile(Pattern.quote(architecture) + "-\\d{4}\\.params");
        String found = null;
        for (String f : names) {
            if ((f.equals(architecture + ".params") || numbered.matcher(f).matches())
                    && (found == null || f.compareTo(found) > 0)) {
                found = f;
            }
        }
        return found;
    }

    /** {@link ModelDirectory#parametersFile}. */
    Path parametersFile() throws IOException {
        String found = params();
        if (found != null) {
            return dir.resolve(found);
        }
        Path onnx = onnx(Precision.FP32);
        if (onnx != null) {
            // A directory export-serving wrote for ONNX Runtime: not damage, another engine's model.
            throw new NoSuchFileException(dir.toString(), null, "holds an ONNX model (" + onnx.getFileName()
                    + ") and no PyTorch weights (" + architecture + "-0000.params): run it on ONNX Runtime (--engine"
                    + " OnnxRuntime), where it loads by itself, or use that .onnx file as it is");
        }
        throw new NoSuchFileException(dir.resolve(architecture + "-0000.params").toString(), null, "missing weights file");
    }

    /** {@link ModelDirectory#onnxFile}. */
    Path onnx(Precision precision) throws IOException {
        String named = precision.onnxName(architecture);
        if (files.contains(named)) {
            return dir.resolve(named);
        }
        if (precision == Precision.INT8) {
            return null;
        }
        String int8 = Precision.INT8.onnxName("");
        // An int8 file is never taken for the float model: int8 is asked for by name.
        List<String> all = files.stream().filter(f -> f.endsWith(".onnx") && !f.endsWith(int8)).sorted().toList();
        if (all.size() > 1) {
            throw new IOException(dir + ": holds " + all.size() + " .onnx files and none is named "
                    + named + "; keep one");
        }
        return all.isEmpty() ? null : dir.resolve(all.get(0));
    }
}
