package io.github.attentionzoo.spark;

import ai.djl.Model;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.repository.zoo.ZooModel;
import io.github.attentionzoo.zoo.CifarTranslator;
import io.github.attentionzoo.zoo.ModelDirectory;
import io.github.attentionzoo.zoo.Precision;
import io.github.attentionzoo.zoo.PretrainedStore;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The models of this executor JVM: each is loaded by the first task that needs it and then shared
 * by every later task, which each make their own predictor from it. A failed load is not kept, so
 * the task's retry loads again.
 */
final class ExecutorModels {

    /** How many classes each result lists. */
    static final int TOP_K = 5;

    private static final Map<ModelSource, ZooModel<Image, Classifications>> MODELS = new ConcurrentHashMap<>();

    private ExecutorModels() {}

    /**
     * Returns the model, loading it on first use in this JVM.
     *
     * @param source the model
     * @param conf the driver's Hadoop configuration, for a directory on a remote file system
     * @return the shared model
     * @throws IllegalStateException when it cannot be loaded, naming the model and the executor
     */
    static ZooModel<Image, Classifications> get(ModelSource source, HadoopConf conf) {
        // computeIfAbsent holds back other tasks asking for the same model until it is loaded: one load per JVM.
        return MODELS.computeIfAbsent(source, s -> load(s, conf));
    }

    private static ZooModel<Image, Classifications> load(ModelSource source, HadoopConf conf) {
        int cpus = taskCpus();
        // libtorch reads its thread counts once, when the engine starts. Each task predicts on the cores the
        // scheduler gave it (spark.task.cpus), so an executor with N cores runs N single-threaded predictors
        // side by side instead of N predictors each spreading over every core.
        setIfAbsent("ai.djl.pytorch.num_threads", Integer.toString(cpus));
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        try {
            // The directory opened once, its network built once: no Criteria, whose block factory would
            // load it a second time to check it.
            Path path = source.name() != null ? installed(source.name()) : localDirectory(source, conf);
            ModelDirectory dir = ModelDirectory.open(path);
            boolean onnx = ModelDirectory.ONNX_RUNTIME.equalsIgnoreCase(source.engine());
            // ONNX Runtime sizes each session's own pool from these options, not from system properties.
            Model model = onnx
                    ? dir.load(ModelDirectory.ONNX_RUNTIME, null, Map.of("intraOpNumThreads", Integer.toString(cpus),
                            "interOpNumThreads", "1"), Precision.FP32)
                    : dir.load(ModelDirectory.PYTORCH.equalsIgnoreCase(source.engine()) ? ModelDirectory.PYTORCH
                            : source.engine(), null);
            try {
                // The zoo's own translator: DJL's default one neither normalises nor applies softmax.
                return new ZooModel<>(model, CifarTranslator.build(dir.metadata().inputSize(), dir.classNames(), TOP_K));
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot load the model " + source.describe() + " on executor "
                    + executorId() + ": " + firstLine(e), e);
        }
    }

    /** A zoo model's shipped directory, installed in DJL's cache on this executor. */
    private static Path installed(String name) throws IOException {
        PretrainedStore.requireWeights(name);
        return PretrainedStore.install(name);
    }

    /**
     * Finds the model directory on this executor: an absolute path as it is; a relative one in the
     * working directory, else among the files Spark shipped with the job; a remote one copied to a
     * local temporary directory.
     */
    private static Path localDirectory(ModelSource source, HadoopConf conf) throws IOException {
        if (source.isRemote()) {
            return copyToLocal(source.directory(), conf == null ? new Configuration() : conf.get());
        }
        String dir = source.directory().startsWith("file:")
                ? Path.of(java.net.URI.create(source.directory())).toString() : source.directory();
        Path path = Path.of(dir);
        if (Files.isDirectory(path)) {
            return path.toAbsolutePath();
        }
        if (!path.isAbsolute() && SparkEnv.get() != null) {
            Path shipped = Path.of(SparkFiles.get(dir));
            if (Files.isDirectory(shipped)) {
                return shipped;
            }
        }
        throw new NoSuchFileException(dir, null, "model directory not found on executor " + executorId()
                + " (give a path every executor can read, ship it with --archives, or use a file system URI)");
    }

    /**
     * Copies a model directory from a Hadoop file system (HDFS, S3, GCS, ...) into a new local
     * temporary directory, removed when the JVM exits.
     *
     * @param uri the directory's URI
     * @param conf the Hadoop configuration with the file system's settings
     * @return the local copy
     * @throws IOException when the directory cannot be listed or copied
     */
    static Path copyToLocal(String uri, Configuration conf) throws IOException {
        org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(uri);
        FileSystem fs = src.getFileSystem(conf);
        FileStatus[] files = fs.listStatus(src);
        Path local = Files.createTempDirectory("attentionzoo-model-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(local)));
        for (FileStatus file : files) {
            // A model directory is flat: parameters, attentionzoo.json, synset.txt, serving.properties.
            if (file.isFile()) {
                Path target = local.resolve(file.getPath().getName());
                fs.copyToLocalFile(false, file.getPath(), new org.apache.hadoop.fs.Path(target.toUri()), true);
            }
        }
        return local;
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // A temporary directory left behind at exit is the operating system's to clean.
        }
    }

    private static int taskCpus() {
        TaskContext task = TaskContext.get();
        return task == null ? 1 : Math.max(1, task.cpus());
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /**
     * Names this executor for messages.
     *
     * @return Spark's executor id ({@code driver} in local mode), or {@code ?} outside Spark
     */
    static String executorId() {
        SparkEnv env = SparkEnv.get();
        return env == null ? "?" : env.executorId();
    }

    /**
     * Returns the first line of the innermost message of an exception.
     *
     * @param e the exception
     * @return the message, or the class name when there is none
     */
    static String firstLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && (t.getMessage() == null || t.getCause().getMessage() != null
                && t.getMessage().contains(t.getCause().getMessage()))) {
            t = t.getCause();
        }
        String message = t.getMessage();
        if (t instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
            message = fse.getFile() + ": " + fse.getReason();
        }
        return message == null ? t.getClass().getSimpleName() : io.github.attentionzoo.io.Messages.firstLine(message);
    }
}
