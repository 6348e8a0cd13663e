package io.github.attentionzoo.spark.cli;

import ai.djl.engine.Engine;
import io.github.attentionzoo.spark.ImageClassifier;
import io.github.attentionzoo.spark.ImageFiles;
import io.github.attentionzoo.zoo.ModelDirectory;
import io.github.attentionzoo.zoo.OnnxChecks;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code classify}: one row of classes per image file, written by Spark. */
@Command(name = "classify", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Classifies image files (PNG, JPEG, BMP, GIF) on Spark and writes one row per image: path, class,"
                    + " probability, top5 and error (null when the image was read).",
            "Without --master (or spark-submit) it runs on Spark's embedded local mode with every core, bound to"
                    + " 127.0.0.1."
        })
final class ClassifyCommand implements Callable<Integer> {

    @ArgGroup(exclusive = true, multiplicity = "1")
    ModelChoice model;

    static final class ModelChoice {
        @Option(names = "--model", paramLabel = "NAME", description = "A zoo model with its shipped weights, e.g. se_resnet20.")
        String name;

        @Option(names = "--model-dir", paramLabel = "DIR", description = "A model directory every executor can read: a"
                + " shared path, a path relative to the executors' working directory (spark-submit --archives), or a"
                + " URI such as s3a://bucket/models/mine.")
        String dir;
    }

    @Option(names = "--input", required = true, paramLabel = "DIR|GLOB",
            description = "A directory (read recursively, through links; names starting with '.' are skipped), an"
                    + " image file, or a glob, on any file system Spark reads.")
    String input;

    @Option(names = "--output", required = true, paramLabel = "DIR",
            description = "Where Spark writes the results; an existing one is refused, and --force replaces only an"
                    + " earlier output of classify (marked by its " + Locations.MARKER + " file).")
    String output;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "parquet",
            description = "parquet (default), json, or csv (top5 as text: cat:0.9300;dog:0.0500;...).")
    Format format;

    @Option(names = "--master", paramLabel = "URL", description = "A Spark master, e.g. spark://host:7077. Default:"
            + " spark-submit's, else local[*].")
    String master;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "" + ImageClassifier.DEFAULT_BATCH_SIZE,
            description = "Images per batchPredict call (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--engine", paramLabel = "E",
            description = "The DJL engine: OnnxRuntime (the default where the model has an .onnx file, as every"
                    + " shipped model does: about twice as fast as PyTorch in a third of its memory) or PyTorch"
                    + " (the default for other model directories).")
    String engine;

    @Option(names = "--force", description = "Replace an earlier output of classify at --output; nothing else.")
    boolean force;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark setting, as spark-submit's --conf;"
            + " repeatable.")
    Map<String, String> conf = new LinkedHashMap<>();

    @Option(names = "--progress", paramLabel = "SECONDS", defaultValue = "10",
            description = "Seconds between progress lines on stderr; 0 for none (default: ${DEFAULT-VALUE}).")
    int progressSeconds;

    /** The output formats. */
    enum Format { parquet, json, csv }

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        Locations.requireNonBlank("--input", input);
        Locations.requireNonBlank("--output", output);
        ImageClassifier.Builder builder = ImageClassifier.builder().batchSize(batchSize);
        if (engine != null) {
            builder.engine(engine);
        }
        if (model.name != null) {
            builder.model(model.name);
        } else {
            builder.modelDir(model.dir);
        }
        builder.build();
        if (master != null) {
            Sessions.checkMaster(master);
        }
        Map<String, String> settings = Sessions.settings(master, conf);
        String effective = settings.getOrDefault("spark.master", System.getProperty("spark.master", "local[*]"));
        Sessions.checkMaster(effective);
        boolean embedded = Sessions.isEmbedded(effective);
        checkModelDirectory(embedded);
        Sessions.checkReachable(effective);
        // Local paths are judged and listed before Spark starts, so a typo costs no session start.
        Configuration local = new Configuration();
        List<ImageFiles.Listed> files = null;
        if (!Locations.isRemote(input)) {
            Locations.checkLocalInput(input);
            files = listed(local);
        }
        boolean outputExisted = false;
        if (!Locations.isRemote(output) && !Locations.isRemote(input)) {
            outputExisted = Locations.checkOutput(output, input, force, local);
        }

        SparkSession.Builder session = SparkSession.builder().appName("attentionzoo classify");
        settings.forEach(session::config);
        try (SparkSession spark = session.getOrCreate()) {
            Configuration hadoop = spark.sparkContext().hadoopConfiguration();
            if (files == null) {
                files = listed(hadoop);
            }
            if (Locations.isRemote(output) || Locations.isRemote(input)) {
                outputExisted = Locations.checkOutput(output, input, force, hadoop);
            }
            long total = files.size();
            LongAccumulator errors = spark.sparkContext().longAccumulator("images not classified");
            ImageClassifier classifier = builder.errorCounter(errors).build().setInputCol("path");
            Dataset<Row> classified = classifier.transform(ImageFiles.frame(spark, files))
                    .drop("modificationTime", "length");
            if (format == Format.csv) {
                classified = ImageClassifier.top5AsText(classified);
            }
            // Append: Spark's files go beside the marker, which Overwrite would delete first.
            DataFrameWriter<Row> writer = classified.write().mode(SaveMode.Append).format(format.name());
            if (format == Format.csv) {
                writer = writer.option("header", "true");
            }
            ProgressListener progress = new ProgressListener(total, progressSeconds, Sessions.maxFailures(settings),
                    System.err);
            spark.sparkContext().addSparkListener(progress);
            Locations.claimOutput(output, outputExisted, hadoop);
            try {
                writer.save(output);
            } catch (Exception e) {
                // Scala throws SparkException, a checked exception, through Java signatures that declare none.
                // Tasks of the failed job may still be running, and each writes under the output until it stops:
                // removed before then, the output could come back without its marker.
                spark.sparkContext().cancelAllJobs();
                awaitIdle(spark);
                Locations.release(output, hadoop);
                throw e;
            } finally {
                progress.close();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            int failed = progress.failedAttempts();
            String retried = failed == 0 ? "" : failed == 1 ? "; 1 failed task attempt was run again"
                    : String.format(Locale.ROOT, "; %d failed task attempts were run again", failed);
            System.out.printf(Locale.ROOT, "classified %,d images with %s into %s (%s): %,d could not be read as"
                    + " images; %.1f s, %.0f images/s%s%n", total, classifier.describe(), output, format, errors.value(),
                    seconds, total / seconds, retried);
        }
        return 0;
    }

    /** Waits, up to a minute, until no executor runs a task. */
    private static void awaitIdle(SparkSession spark) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline && java.util.Arrays.stream(
                spark.sparkContext().statusTracker().getExecutorInfos()).anyMatch(e -> e.numRunningTasks() > 0)) {
            Thread.sleep(100);
        }
    }

    /** The input's image files, refused when there are none. */
    private List<ImageFiles.Listed> listed(Configuration hadoop) throws IOException {
        List<ImageFiles.Listed> files;
        try {
            files = ImageFiles.list(input, hadoop);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("--input " + input + ": not found");
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("--input " + input + ": " + (Locations.isGlob(input) ? "matches no files"
                    : "holds no image files (.png, .jpg, .jpeg, .bmp, .gif)"));
        }
        if (!Locations.isRemote(input)) {
            // Said before Spark starts: a job would fail on the first such file, with others' tasks half done.
            List<String> unreadable = files.stream().map(f -> ImageFiles.localPath(f.path()))
                    .filter(p -> !Files.isReadable(p)).map(Path::toString).toList();
            if (!unreadable.isEmpty()) {
                throw new IllegalArgumentException(unreadable.get(0) + " (Permission denied)" + (unreadable.size() == 1
                        ? "" : String.format(Locale.ROOT, "; %,d files under --input %s cannot be read",
                        unreadable.size(), input)));
            }
        }
        return files;
    }

    /**
     * Checks a model directory the driver can see. One missing here is refused in local mode, where
     * the driver is the executor; on a cluster it may live only where the executors run, or be
     * shipped to them, and they report it if it is not there. Where it will run on ONNX Runtime
     * from an {@code .onnx} without the project's metadata, the console says so here, once, as the
     * CLI's commands do: the executors load it without a word.
     */
    private void checkModelDirectory(boolean embedded) throws IOException {
        if (model.dir == null || Locations.isRemote(model.dir)) {
            return;
        }
        Path dir = Path.of(new org.apache.hadoop.fs.Path(model.dir).toUri().getPath());
        if (Files.isDirectory(dir)) {
            ModelDirectory opened = ModelDirectory.open(dir);
            // Without --engine a directory with an .onnx runs on ONNX Runtime, as ImageClassifier chooses.
            boolean onnx = engine == null ? Engine.hasEngine(ImageClassifier.DEFAULT_ENGINE)
                    : engine.equalsIgnoreCase(ModelDirectory.ONNX_RUNTIME);
            String unchecked = onnx ? OnnxChecks.unchecked(opened) : null;
            if (unchecked != null) {
                System.err.println("note: " + unchecked);
            }
        } else if (embedded) {
            throw new IllegalArgumentException("--model-dir " + model.dir + ": not found");
        }
    }
}
