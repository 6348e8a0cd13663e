package io.github.attentionzoo.spark;

import ai.djl.engine.Engine;
import io.github.attentionzoo.zoo.Architectures;
import io.github.attentionzoo.zoo.PretrainedStore;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * Classifies images on Spark with a zoo model.
 *
 * <pre>{@code
 * ImageClassifier classifier = ImageClassifier.builder().model("se_resnet20").build();
 * Dataset<Row> images = ImageClassifier.readImages(spark, "s3a://bucket/photos/");
 * classifier.classify(images).write().parquet("s3a://bucket/classes/");
 *
 * classifier.register(spark, "classify_image");
 * spark.sql("SELECT path, classify_image(content).class FROM images");
 * }</pre>
 *
 * <p>Each executor JVM loads the model once, on the first task that needs it; every task then
 * predicts with a predictor of its own, {@link Builder#batchSize(int) batchSize} images at a time.
 * An image that cannot be decoded or classified becomes a row whose {@code error} says why; it does
 * not fail the task. The instance is serializable: Spark ships it to the executors with each task.
 */
public final class ImageClassifier implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The engine used unless {@link Builder#engine(String)} names another. */
    public static final String DEFAULT_ENGINE = "PyTorch";
    /**
     * Images per {@code batchPredict} call unless {@link Builder#batchSize} says otherwise. In
     * docs/scale.md batches of 8 to 128 ran alike and single images at half the speed; 32 keeps a
     * task's decoded images to a few MiB.
     */
    public static final int DEFAULT_BATCH_SIZE = 32;
    /**
     * The file names {@link #readImages} reads (Hadoop glob syntax): PNG, JPEG, BMP and GIF, in
     * any letter case.
     */
    public static final String IMAGE_FILES =
            "*.{[pP][nN][gG],[jJ][pP][gG],[jJ][pP][eE][gG],[bB][mM][pP],[gG][iI][fF]}";

    private final ModelSource source;
    private final int batchSize;
    private final LongAccumulator errors;

    private ImageClassifier(Builder builder) {
        this.source = new ModelSource(builder.model, builder.modelDir, builder.engine);
        this.batchSize = builder.batchSize;
        this.errors = builder.errors;
    }

    /**
     * Starts a classifier's description.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The columns {@link #classify} returns: {@code path} (string), {@code class} (string),
     * {@code probability} (double), {@code top5} (array of {@code struct<class: string,
     * probability: double>}, most probable first) and {@code error} (string). {@code error} is
     * null for a classified image; for an image that was not, it says why, and the other result
     * columns are null.
     *
     * @return the schema
     */
    public static StructType schema() {
        return Results.CLASSIFIED;
    }

    /**
     * The type the SQL function returns: {@code struct<class, probability, top5, error>}, the
     * columns of {@link #schema()} without the path.
     *
     * @return the struct type
     */
    public static StructType resultType() {
        return Results.RESULT;
    }

    /**
     * Reads image files with Spark's {@code binaryFile} source: every file whose name matches
     * {@link #IMAGE_FILES} under a directory (recursively) or among the paths a glob matches.
     * Directories named {@code key=value} are not turned into columns.
     *
     * @param spark the session
     * @param input a directory, a file, or a glob, on any file system Spark reads
     * @return rows of {@code path, modificationTime, length, content}
     */
    public static Dataset<Row> readImages(SparkSession spark, String input) {
        return spark.read().format("binaryFile")
                .option("pathGlobFilter", IMAGE_FILES)
                .option("recursiveFileLookup", "true")
                .load(input);
    }

    /**
     * Classifies images.
     *
     * @param images rows with a string column {@code path} and a binary column {@code content}, as
     *     Spark's {@code binaryFile} source (and {@link #readImages}) gives them; other columns are
     *     dropped
     * @return one row per image, with the columns of {@link #schema()}
     * @throws IllegalArgumentException when {@code images} lacks either column
     */
    public Dataset<Row> classify(Dataset<Row> images) {
        requireColumn(images.schema(), "path", DataTypes.StringType);
        requireColumn(images.schema(), "content", DataTypes.BinaryType);
        ClassifyPartition function = new ClassifyPartition(source, hadoopConf(images.sparkSession()), batchSize, errors);
        return images.select("path", "content").mapPartitions(function, Encoders.row(Results.CLASSIFIED));
    }

    /**
     * Returns the model as a Spark SQL function of an image file's bytes, returning {@link
     * #resultType()}. It classifies one image per call: {@link #classify} batches, and is faster.
     *
     * @param spark the session the function will run in
     * @return the function, for {@code Dataset.select}
     */
    public UserDefinedFunction udf(SparkSession spark) {
        return functions.udf(new ClassifyUdf(source, hadoopConf(spark)), Results.RESULT);
    }

    /**
     * Registers the model as a Spark SQL function of an image file's bytes:
     * {@code SELECT path, r.class, r.probability FROM (SELECT path, NAME(content) AS r FROM images)}.
     *
     * @param spark the session
     * @param name the function's name in SQL
     * @return the registered function
     */
    public UserDefinedFunction register(SparkSession spark, String name) {
        return spark.udf().register(name, udf(spark));
    }

    /**
     * Turns the {@code top5} column into text, {@code cat:0.9300;dog:0.0500;...}, for formats
     * without arrays such as CSV.
     *
     * @param classified rows as {@link #classify} returns them
     * @return the same rows with {@code top5} a string (null where it was null)
     */
    public static Dataset<Row> top5AsText(Dataset<Row> classified) {
        Column text = functions.expr(
                "concat_ws(';', transform(top5, t -> concat(t.`class`, ':', format_string('%.4f', t.probability))))");
        return classified.withColumn("top5", functions.when(functions.col("top5").isNotNull(), text));
    }

    /**
     * Describes the model for messages.
     *
     * @return e.g. {@code se_resnet20 on PyTorch}
     */
    public String describe() {
        return source.describe();
    }

    /** Only a directory on a remote file system needs the driver's Hadoop settings on the executors. */
    private Broadcast<HadoopConf> hadoopConf(SparkSession spark) {
        if (!source.isRemote()) {
            return null;
        }
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return context.broadcast(new HadoopConf(spark.sparkContext().hadoopConfiguration()));
    }

    private static void requireColumn(StructType schema, String name, DataType type) {
        StructField field = Arrays.stream(schema.fields()).filter(f -> f.name().equals(name)).findFirst().orElse(null);
        if (field == null || !field.dataType().equals(type)) {
            throw new IllegalArgumentException("the images need a " + type.simpleString() + " column '" + name
                    + "', as spark.read().format(\"binaryFile\") gives them; got " + schema.simpleString());
        }
    }

    /** What to classify with; {@link #build()} checks it on the driver, before any task starts. */
    public static final class Builder {

        private String model;
        private String modelDir;
        private String engine = DEFAULT_ENGINE;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private LongAccumulator errors;

        private Builder() {}

        /**
         * Uses a zoo model with its shipped weights, which travel inside the job's jar.
         *
         * @param name the model's name, e.g. {@code se_resnet20}
         * @return this builder
         */
        public Builder model(String name) {
            this.model = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Uses a model directory (written by {@code train}, {@code finetune} or {@code
         * export-serving}) that every executor can read: a path on shared storage, a path
         * relative to the executors' working directory (a directory shipped with {@code
         * spark-submit --archives model.tar.gz#model} is {@code model}), or a Hadoop file system
         * URI such as {@code s3a://bucket/models/se_resnet20}, which each executor copies once.
         *
         * @param dir the directory
         * @return this builder
         */
        public Builder modelDir(String dir) {
            this.modelDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * Chooses the DJL engine that runs the model.
         *
         * @param name the engine's name, e.g. {@code PyTorch} (the default) or {@code OnnxRuntime}
         * @return this builder
         */
        public Builder engine(String name) {
            this.engine = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Sets how many images each {@code batchPredict} call takes; a partition's last batch may
         * be smaller.
         *
         * @param size the batch size, positive
         * @return this builder
         */
        public Builder batchSize(int size) {
            this.batchSize = size;
            return this;
        }

        /**
         * Counts the images that could not be classified. Spark adds a task's count once, even
         * when the task is run again.
         *
         * @param counter an accumulator registered with the session's context
         * @return this builder
         */
        public Builder errorCounter(LongAccumulator counter) {
            this.errors = counter;
            return this;
        }

        /**
         * Checks the description and builds the classifier.
         *
         * @return the classifier
         * @throws IllegalArgumentException naming the setting that is wrong: none or both of a
         *     model and a directory, an unknown model or one without shipped weights, an engine
         *     that is not on the classpath, a batch size below 1
         */
        public ImageClassifier build() {
            if ((model == null) == (modelDir == null)) {
                throw new IllegalArgumentException("give either a zoo model or a model directory, not "
                        + (model == null ? "neither" : "both"));
            }
            if (model != null) {
                Architectures.spec(model);
                if (!PretrainedStore.hasWeights(model)) {
                    throw new IllegalArgumentException("no pretrained weights ship for '" + model
                            + "'; train it (attentionzoo train --model " + model + ") and give its model directory");
                }
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("the batch size must be at least 1, got " + batchSize);
            }
            if (!Engine.hasEngine(engine)) {
                throw new IllegalArgumentException("engine '" + engine + "' is not on the classpath; available: "
                        + String.join(", ", Engine.getAllEngines()));
            }
            return new ImageClassifier(this);
        }
    }
}
