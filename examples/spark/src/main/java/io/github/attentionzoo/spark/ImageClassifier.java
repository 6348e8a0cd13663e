package io.github.attentionzoo.spark;

import ai.djl.engine.Engine;
import io.github.attentionzoo.zoo.PretrainedStore;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
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

import java.util.Arrays;
import java.util.Objects;

/**
 * Classifies images on Spark with a zoo model: a Spark ML {@link Transformer} that adds the
 * columns {@code class}, {@code probability}, {@code top5} and {@code error} to its input, whose
 * image column holds each image's bytes or its file's path.
 *
 * <pre>{@code
 * ImageClassifier classifier = ImageClassifier.builder().model("se_resnet20").build();
 * Dataset<Row> files = ImageClassifier.listImages(spark, "s3a://bucket/photos/");   // path, modificationTime, length
 * classifier.setInputCol("path").transform(files).write().parquet("s3a://bucket/classes/");
 *
 * new Pipeline().setStages(new PipelineStage[] {classifier}).fit(files).write().save("models/classify");
 *
 * classifier.register(spark, "classify_image");
 * spark.sql("SELECT path, classify_image(content).class FROM images");
 * }</pre>
 *
 * <p>Each executor JVM loads the model once, on the first task that needs it; every task then
 * predicts with a predictor of its own, {@link Builder#batchSize(int) batchSize} images at a time.
 * An image that cannot be decoded or classified becomes a row whose {@code error} says why; it does
 * not fail the task. Saved with a {@code PipelineModel}, the stage keeps its parameters; an
 * error counter is not saved.
 */
public final class ImageClassifier extends ClassifierParams implements DefaultParamsWritable {

    private static final long serialVersionUID = 2L;

    /**
     * The engine used unless {@link Builder#engine(String)} names another, wherever the model has an
     * {@code .onnx} file (every shipped model, and directories exported for ONNX Runtime): about twice
     * as fast as PyTorch in a third of its memory (docs/scale.md). A model directory without one, or
     * one the driver cannot see, runs on {@value #PYTORCH}.
     */
    public static final String DEFAULT_ENGINE = "OnnxRuntime";
    /** The engine that runs model directories without an {@code .onnx} file. */
    public static final String PYTORCH = "PyTorch";
    /**
     * Images per {@code batchPredict} call unless {@link Builder#batchSize} says otherwise. In
     * docs/scale.md batches of 8 to 128 ran alike and single images at half the speed; 32 keeps a
     * task's decoded images to a few MiB.
     */
    public static final int DEFAULT_BATCH_SIZE = 32;
    /**
     * The image file names as a Hadoop glob, for a {@code binaryFile} source of your own.
     *
     * @deprecated {@link #readImages} and {@link #listImages} no longer read through a glob;
     *     {@code io.github.attentionzoo.io.ImageDecoder.isImageName} is the rule they apply.
     */
    @Deprecated
    public static final String IMAGE_FILES =
            "*.{[pP][nN][gG],[jJ][pP][gG],[jJ][pP][eE][gG],[bB][mM][pP],[gG][iI][fF]}";

    private transient LongAccumulator errors;

    /**
     * Makes a classifier with default parameters and no model yet; Spark ML's reader calls this
     * when it loads a saved pipeline. {@link #builder()} is the checked way to make one.
     *
     * @param uid the stage's unique id
     */
    public ImageClassifier(String uid) {
        super(uid);
    }

    private ImageClassifier(Builder builder) {
        this(Identifiable$.MODULE$.randomUID("imageClassifier"));
        set(model(), builder.model == null ? "" : builder.model);
        set(modelDir(), builder.modelDir == null ? "" : builder.modelDir);
        set(engine(), builder.engine == null ? "" : builder.engine);
        set(batchSize(), builder.batchSize);
        this.errors = builder.errors;
    }

    /**
     * Loads a classifier saved with {@code save} or inside a pipeline (Spark ML finds this method by name).
     *
     * @return the reader
     */
    public static MLReader<ImageClassifier> read() {
        return new DefaultParamsReader<>();
    }

    /**
     * Loads a classifier saved with {@code save}.
     *
     * @param path where it was saved
     * @return the classifier
     */
    public static ImageClassifier load(String path) {
        return read().load(path);
    }

    /**
     * Sets the image column.
     *
     * @param column a binary column of image bytes or a string column of paths
     * @return this classifier
     */
    public ImageClassifier setInputCol(String column) {
        set(inputCol(), column);
        return this;
    }

    /**
     * Sets the prefix of the added columns' names.
     *
     * @param prefix e.g. {@code se20_} for {@code se20_class}, {@code se20_probability}, ...
     * @return this classifier
     */
    public ImageClassifier setOutputPrefix(String prefix) {
        set(outputPrefix(), prefix);
        return this;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        StructField field = Arrays.stream(schema.fields()).filter(f -> f.name().equals($(inputCol()))).findFirst()
                .orElse(null);
        if (field == null || !(field.dataType().equals(DataTypes.BinaryType)
                || field.dataType().equals(DataTypes.StringType))) {
            throw new IllegalArgumentException("the images need a binary column '" + $(inputCol()) + "', as"
                    + " spark.read().format(\"binaryFile\") gives them, or a string column of paths; got "
                    + schema.simpleString());
        }
        StructType out = schema;
        for (StructField result : Results.RESULT.fields()) {
            String name = $(outputPrefix()) + result.name();
            if (Arrays.asList(schema.fieldNames()).contains(name)) {
                throw new IllegalArgumentException("the input already has a column '" + name + "'; set another"
                        + " outputPrefix");
            }
            out = out.add(name, result.dataType(), true);
        }
        return out;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        int input = dataset.schema().fieldIndex($(inputCol()));
        boolean isPath = dataset.schema().fields()[input].dataType().equals(DataTypes.StringType);
        ModelSource source = source();
        Broadcast<HadoopConf> conf = isPath || source.isRemote() ? broadcastConf(dataset.sparkSession()) : null;
        ClassifyPartition function = new ClassifyPartition(source, conf, (Integer) $(batchSize()), errors, input,
                isPath);
        return dataset.toDF().mapPartitions(function, Encoders.row(out));
    }

    @Override
    public ImageClassifier copy(ParamMap extra) {
        ImageClassifier copy = defaultCopy(extra);
        copy.errors = errors;
        return copy;
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
     * Lists the image files under a directory (recursively), a file, or the paths a glob matches,
     * on the driver: every file whose name ends in .png, .jpg, .jpeg, .bmp or .gif in any letter
     * case, whatever else its name holds ({@code _raw/}, {@code 12:30:00.png}). Names that start with
     * a dot stay hidden. Local directories are followed through links; a link to a directory it
     * lies in is skipped.
     *
     * @param spark the session
     * @param input a directory, a file, or a glob, on any file system Spark reads
     * @return rows of {@code path, modificationTime, length}, about 128 MiB of files (counting
     *     {@code spark.sql.files.openCostInBytes} more for each) a partition
     * @throws java.io.UncheckedIOException when the input cannot be listed
     */
    public static Dataset<Row> listImages(SparkSession spark, String input) {
        try {
            return ImageFiles.frame(spark, ImageFiles.list(input, spark.sparkContext().hadoopConfiguration()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Reads the image files {@link #listImages} lists, with their bytes, read on the executors.
     *
     * @param spark the session
     * @param input a directory, a file, or a glob, on any file system Spark reads
     * @return rows of {@code path, modificationTime, length, content}, as Spark's {@code binaryFile} source gives
     */
    public static Dataset<Row> readImages(SparkSession spark, String input) {
        return ImageFiles.withContent(listImages(spark, input), broadcastConf(spark));
    }

    /**
     * Classifies images.
     *
     * @param images rows with a string column {@code path} and a binary column {@code content}, as
     *     {@link #readImages} gives them; other columns are dropped ({@link #transform} keeps them)
     * @return one row per image, with the columns of {@link #schema()}
     * @throws IllegalArgumentException when {@code images} lacks either column
     */
    public Dataset<Row> classify(Dataset<Row> images) {
        requireColumn(images.schema(), "path", DataTypes.StringType);
        requireColumn(images.schema(), "content", DataTypes.BinaryType);
        ImageClassifier stage = copy(ParamMap.empty()).setInputCol("content").setOutputPrefix("");
        return stage.transform(images.select("path", "content")).drop("content");
    }

    /**
     * Returns the model as a Spark SQL function of an image file's bytes, returning {@link
     * #resultType()}. It classifies one image per call: {@link #classify} batches, and is faster.
     *
     * @param spark the session the function will run in
     * @return the function, for {@code Dataset.select}
     */
    public UserDefinedFunction udf(SparkSession spark) {
        ModelSource source = source();
        return functions.udf(new ClassifyUdf(source, source.isRemote() ? broadcastConf(spark) : null), Results.RESULT);
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

    private ModelSource source() {
        return ModelSource.of($(model()), $(modelDir()), $(engine()));
    }

    /**
     * Describes the model for messages.
     *
     * @return e.g. {@code se_resnet20 on PyTorch}
     */
    public String describe() {
        return source().describe();
    }

    /** The driver's Hadoop settings, for executors that read files or a model directory on another file system. */
    private static Broadcast<HadoopConf> broadcastConf(SparkSession spark) {
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
        private String engine;
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
         * @param name the engine's name, {@code OnnxRuntime} or {@code PyTorch}; without it, {@value
         *     ImageClassifier#DEFAULT_ENGINE} where the model has an {@code .onnx} file, else PyTorch
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
                PretrainedStore.requireWeights(model);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("the batch size must be at least 1, got " + batchSize);
            }
            if (engine != null && !Engine.hasEngine(engine)) {
                throw new IllegalArgumentException("engine '" + engine + "' is not on the classpath; available: "
                        + String.join(", ", Engine.getAllEngines()));
            }
            return new ImageClassifier(this);
        }
    }
}
