package io.github.attentionzoo.spark.cli;

import io.github.attentionzoo.spark.ImageClassifier;
import io.github.attentionzoo.zoo.ModelMetadata;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
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
            description = "A directory (read recursively) or a glob, on any file system Spark reads.")
    String input;

    @Option(names = "--output", required = true, paramLabel = "DIR",
            description = "Where Spark writes the results; an existing one is refused unless --force.")
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

    @Option(names = "--engine", paramLabel = "E", defaultValue = ImageClassifier.DEFAULT_ENGINE,
            description = "The DJL engine: PyTorch (default) or OnnxRuntime, when its jars are on the classpath.")
    String engine;

    @Option(names = "--force", description = "Replace an existing --output.")
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
        if (progressSeconds < 0) {
            throw new IllegalArgumentException("--progress must be 0 or more seconds, got " + progressSeconds);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
        }
        ImageClassifier.Builder builder = ImageClassifier.builder().engine(engine).batchSize(batchSize);
        if (model.name != null) {
            builder.model(model.name);
        } else {
            builder.modelDir(model.dir);
        }
        builder.build();
        Map<String, String> settings = Sessions.settings(master, conf);
        boolean embedded = Sessions.isEmbedded(settings.getOrDefault("spark.master",
                System.getProperty("spark.master", "local[*]")));
        checkModelDirectory(embedded);
        Sessions.checkReachable(master != null ? master : settings.get("spark.master"));
        // Local paths are judged before Spark starts, so a typo costs no session start.
        Configuration local = new Configuration();
        if (!Locations.isRemote(input)) {
            Locations.checkInput(input, local);
        }
        boolean outputExisted = false;
        if (!Locations.isRemote(output) && !Locations.isRemote(input)) {
            outputExisted = Locations.checkOutput(output, input, force, local);
        }

        SparkSession.Builder session = SparkSession.builder().appName("attentionzoo classify");
        settings.forEach(session::config);
        try (SparkSession spark = session.getOrCreate()) {
            Configuration hadoop = spark.sparkContext().hadoopConfiguration();
            if (Locations.isRemote(input)) {
                Locations.checkInput(input, hadoop);
            }
            if (Locations.isRemote(output) || Locations.isRemote(input)) {
                outputExisted = Locations.checkOutput(output, input, force, hadoop);
            }
            Dataset<Row> images = ImageClassifier.readImages(spark, input);
            InputFiles files = InputFiles.of(images);
            long total = files.paths.size();
            if (total == 0) {
                throw new IllegalArgumentException("--input " + input + ": " + (Locations.isGlob(input) ? "matches" : "holds")
                        + " no image files (.png, .jpg, .jpeg, .bmp, .gif)");
            }
            LongAccumulator errors = spark.sparkContext().longAccumulator("images not classified");
            ImageClassifier classifier = builder.errorCounter(errors).build();
            Dataset<Row> classified = classifier.classify(images);
            if (!files.empty.isEmpty()) {
                List<Row> empty = files.empty.stream().map(p -> RowFactory.create(p, null, null, null, "empty file")).toList();
                classified = classified.union(spark.createDataFrame(empty, ImageClassifier.schema()));
                errors.add(empty.size());
            }
            if (format == Format.csv) {
                classified = ImageClassifier.top5AsText(classified);
            }
            DataFrameWriter<Row> writer = classified.write()
                    .mode(force ? SaveMode.Overwrite : SaveMode.ErrorIfExists)
                    .format(format.name());
            if (format == Format.csv) {
                writer = writer.option("header", "true");
            }
            ProgressListener progress = new ProgressListener(total, progressSeconds, Sessions.maxFailures(settings),
                    System.err);
            spark.sparkContext().addSparkListener(progress);
            try {
                writer.save(output);
            } catch (Exception e) {
                // Scala throws SparkException, a checked exception, through Java signatures that declare none.
                if (!outputExisted) {
                    Locations.removeIfEmpty(output, hadoop);
                }
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

    /**
     * Checks a model directory the driver can see. One missing here is refused in local mode, where
     * the driver is the executor; on a cluster it may live only where the executors run, or be
     * shipped to them, and they report it if it is not there.
     */
    private void checkModelDirectory(boolean embedded) throws IOException {
        if (model.dir == null || Locations.isRemote(model.dir)) {
            return;
        }
        Path dir = Path.of(new org.apache.hadoop.fs.Path(model.dir).toUri().getPath());
        if (Files.isDirectory(dir)) {
            ModelMetadata.read(dir);
        } else if (embedded) {
            throw new IllegalArgumentException("--model-dir " + model.dir + ": not found");
        }
    }
}
