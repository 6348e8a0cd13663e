package io.github.attentionzoo.spark;

import ai.djl.modality.Classifications;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Java API on Spark's local mode, in this JVM: batches, errors, the SQL function, the text form of top5. */
class SparkImageClassifierTest {

    private static final int IMAGES = 40;

    private static SparkSession spark;
    private static Path dir;
    private static Map<String, Classifications> reference;

    @BeforeAll
    static void start() throws Exception {
        dir = SparkTestSupport.freshDir("spark-api-test");
        Path images = dir.resolve("images");
        List<Path> pngs = new ArrayList<>(CifarPngs.write(SparkTestSupport.cifarSample(), images.resolve("a/b"), IMAGES));
        // Upper-case extensions are image files too.
        Path upper = images.resolve("UPPER.PNG");
        Files.copy(pngs.get(0), upper);
        pngs.add(upper);
        reference = SparkTestSupport.reference(pngs);
        SparkTestSupport.writeGarbage(images.resolve("garbage.png"));
        SparkTestSupport.writeTruncated(pngs.get(1), images.resolve("truncated.png"));
        Files.write(images.resolve("wide.png"), widePngHeader());
        Files.writeString(images.resolve("notes.txt"), "not an image, and not named like one");
        spark = SparkSession.builder().master("local[2]").appName("SparkImageClassifierTest")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false").getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    /** A PNG whose header declares 2,000,000 × 1 pixels and holds none of them. */
    private static byte[] widePngHeader() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 25);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        b.putInt(13).put(new byte[] {'I', 'H', 'D', 'R'}).putInt(2_000_000).putInt(1);
        b.put(new byte[] {8, 2, 0, 0, 0});
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b.array(), 12, 17);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    private static Map<String, Row> byName(List<Row> rows) {
        Map<String, Row> map = new HashMap<>();
        for (Row row : rows) {
            String path = row.getAs("path");
            map.put(path.substring(path.lastIndexOf('/') + 1), row);
        }
        return map;
    }

    @Test
    void batchesMatchSingleImagePredictionAndBadFilesBecomeErrorRows() {
        LongAccumulator errors = spark.sparkContext().longAccumulator("errors");
        // 7 images a batch: partitions end in part-filled batches.
        ImageClassifier classifier = ImageClassifier.builder().model(SparkTestSupport.MODEL).batchSize(7)
                .errorCounter(errors).build();
        Dataset<Row> result = classifier.classify(ImageClassifier.readImages(spark, dir.resolve("images").toString()));
        assertEquals(ImageClassifier.schema(), result.schema());
        Map<String, Row> rows = byName(result.collectAsList());
        assertEquals(IMAGES + 1 + 3, rows.size(), "every image file, recursively, and no other file: " + rows.keySet());
        for (Map.Entry<String, Classifications> ref : reference.entrySet()) {
            Row row = rows.get(ref.getKey());
            assertNull(row.getAs("error"), ref.getKey());
            SparkTestSupport.assertMatches(ref.getValue(), ref.getKey(), row.getAs("class"), row.getAs("probability"));
            List<Row> top5 = row.getList(row.fieldIndex("top5"));
            assertEquals(5, top5.size());
            assertEquals(row.<String>getAs("class"), top5.get(0).getString(0));
            for (int i = 1; i < top5.size(); i++) {
                assertTrue(top5.get(i - 1).getDouble(1) >= top5.get(i).getDouble(1), "top5 sorted: " + top5);
            }
        }
        assertEquals("not a readable image (PNG, JPEG, BMP or GIF expected)", rows.get("garbage.png").getAs("error"));
        assertTrue(rows.get("truncated.png").<String>getAs("error").startsWith("corrupt or unsupported image"),
                rows.get("truncated.png").toString());
        assertTrue(rows.get("wide.png").<String>getAs("error").startsWith("declares 2000000 x 1 pixels"),
                rows.get("wide.png").toString());
        for (String bad : List.of("garbage.png", "truncated.png", "wide.png")) {
            assertNull(rows.get(bad).getAs("class"));
            assertNull(rows.get(bad).getAs("top5"));
        }
        assertEquals(3L, errors.value());
    }

    @Test
    void worksInsideAPipelineKeepingOtherColumnsAndSavesWithIt() throws Exception {
        ImageClassifier classifier = ImageClassifier.builder().model(SparkTestSupport.MODEL).batchSize(5).build()
                .setInputCol("path").setOutputPrefix("se_");
        Dataset<Row> files = ImageClassifier.listImages(spark, dir.resolve("images/a/b").toString())
                .withColumn("label", functions.concat(functions.lit("kept:"), functions.col("length")));
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {classifier}).fit(files);
        String saved = dir.resolve("pipeline").toString();
        fitted.write().overwrite().save(saved);
        PipelineModel loaded = PipelineModel.load(saved);
        ImageClassifier stage = (ImageClassifier) loaded.stages()[0];
        assertEquals(classifier.uid(), stage.uid());
        assertEquals("path", stage.getOrDefault(stage.inputCol()));
        assertEquals(5, stage.getOrDefault(stage.batchSize()));
        assertEquals(SparkTestSupport.MODEL, stage.getOrDefault(stage.model()));
        Dataset<Row> out = loaded.transform(files);
        assertEquals(List.of("path", "modificationTime", "length", "label", "se_class", "se_probability", "se_top5",
                "se_error"), List.of(out.schema().fieldNames()));
        List<Row> rows = out.collectAsList();
        assertEquals(IMAGES, rows.size());
        for (Row row : rows) {
            String path = row.getAs("path");
            String name = path.substring(path.lastIndexOf('/') + 1);
            assertEquals("kept:" + row.<Long>getAs("length"), row.getAs("label"));
            assertNull(row.getAs("se_error"), name);
            SparkTestSupport.assertMatches(reference.get(name), name, row.getAs("se_class"), row.getAs("se_probability"));
        }
        IllegalArgumentException clash = assertThrows(IllegalArgumentException.class,
                () -> stage.copy(new org.apache.spark.ml.param.ParamMap()).setOutputPrefix("").transform(
                        files.withColumn("class", functions.lit("x"))));
        assertTrue(clash.getMessage().startsWith("the input already has a column 'class'"), clash.getMessage());
    }

    @Test
    void sqlFunctionGivesTheSameResults() {
        ImageClassifier classifier = ImageClassifier.builder().model(SparkTestSupport.MODEL).build();
        classifier.register(spark, "classify_image");
        ImageClassifier.readImages(spark, dir.resolve("images").toString()).createOrReplaceTempView("images");
        List<Row> rows = spark.sql("SELECT path, r.class, r.probability, r.top5, r.error"
                + " FROM (SELECT path, classify_image(content) AS r FROM images)").collectAsList();
        Map<String, Row> byName = byName(rows);
        for (Map.Entry<String, Classifications> ref : reference.entrySet()) {
            Row row = byName.get(ref.getKey());
            SparkTestSupport.assertMatches(ref.getValue(), ref.getKey(), row.getString(1), row.getDouble(2));
            assertEquals(5, row.getList(3).size());
        }
        assertEquals("not a readable image (PNG, JPEG, BMP or GIF expected)", byName.get("garbage.png").getString(4));
    }

    @Test
    void top5AsTextListsClassesAndProbabilities() {
        ImageClassifier classifier = ImageClassifier.builder().model(SparkTestSupport.MODEL).build();
        Dataset<Row> text = ImageClassifier.top5AsText(classifier.classify(
                ImageClassifier.readImages(spark, dir.resolve("images").toString())));
        Map<String, Row> rows = byName(text.collectAsList());
        String top5 = rows.get("00000_cat.png").getAs("top5");
        assertTrue(top5.matches("([a-z]+:[01]\\.\\d{4};){4}[a-z]+:[01]\\.\\d{4}"), top5);
        Classifications.Classification best = reference.get("00000_cat.png").best();
        assertTrue(top5.startsWith(best.getClassName() + ":" + String.format(java.util.Locale.ROOT, "%.4f",
                best.getProbability())), top5 + " vs " + best);
        assertNull(rows.get("garbage.png").getAs("top5"));
    }

    @Test
    void imagesWithoutContentAreRefusedByName() {
        ImageClassifier classifier = ImageClassifier.builder().model(SparkTestSupport.MODEL).build();
        Dataset<Row> paths = spark.range(3).select(functions.col("id").cast("string").as("path"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> classifier.classify(paths));
        assertTrue(e.getMessage().startsWith("the images need a binary column 'content'"), e.getMessage());
    }

    @Test
    void builderRefusesWhatCannotRun() {
        assertEquals("give either a zoo model or a model directory, not neither",
                assertThrows(IllegalArgumentException.class, () -> ImageClassifier.builder().build()).getMessage());
        assertEquals("give either a zoo model or a model directory, not both", assertThrows(
                IllegalArgumentException.class, () -> ImageClassifier.builder().model("resnet20").modelDir("m").build())
                .getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ImageClassifier.builder().model("se_resnet21").build()).getMessage().startsWith("unknown model"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ImageClassifier.builder().model("se_resnet110").build()).getMessage()
                .startsWith("no pretrained weights ship for 'se_resnet110'"));
        assertEquals("the batch size must be at least 1, got 0", assertThrows(IllegalArgumentException.class,
                () -> ImageClassifier.builder().model("resnet20").batchSize(0).build()).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ImageClassifier.builder().model("resnet20").engine("NoSuchEngine").build()).getMessage()
                .startsWith("engine 'NoSuchEngine' is not on the classpath; available: "));
    }

    @Test
    void anExecutorLoadsEachModelOnce() throws Exception {
        ModelSource source = new ModelSource(SparkTestSupport.MODEL, null, ImageClassifier.DEFAULT_ENGINE);
        List<Object> models = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            threads.add(new Thread(() -> models.add(ExecutorModels.get(source, null))));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(4, models.size());
        for (Object model : models) {
            assertSame(models.get(0), model);
        }
        assertNotNull(models.get(0));
    }

    @Test
    void modelDirectoriesLoadFromAPathOrAFileSystemUri() throws Exception {
        Path modelDir = io.github.attentionzoo.zoo.PretrainedStore.install(SparkTestSupport.MODEL);
        ImageClassifier classifier = ImageClassifier.builder().modelDir(modelDir.toString()).build();
        Map<String, Row> rows = byName(classifier.classify(ImageClassifier.readImages(spark,
                dir.resolve("images/a/b/00003_*.png").toString())).collectAsList());
        assertEquals(1, rows.size());
        Row row = rows.values().iterator().next();
        String name = rows.keySet().iterator().next();
        SparkTestSupport.assertMatches(reference.get(name), name, row.getAs("class"), row.getAs("probability"));
        // A URI is copied through Hadoop's file system API, as an executor copies s3a:// or hdfs:// directories.
        Path copy = ExecutorModels.copyToLocal(modelDir.toUri().toString(), new org.apache.hadoop.conf.Configuration());
        try (var files = Files.list(modelDir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertEquals(Files.mismatch(f, copy.resolve(f.getFileName())), -1L, f.toString());
            }
        }
        assertTrue(new ModelSource(null, "s3a://bucket/models/m", "PyTorch").isRemote());
        assertTrue(!new ModelSource(null, "file:/models/m", "PyTorch").isRemote());
        assertTrue(!new ModelSource(null, "models/m", "PyTorch").isRemote());
    }

    @Test
    void onnxRuntimeRunsEveryModelThatHasAnOnnxFileUnlessAnotherEngineIsNamed(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        assertEquals("OnnxRuntime", ModelSource.defaultEngine("se_resnet20", null), "a shipped model");
        Path withOnnx = Files.createDirectories(dir.resolve("exported"));
        Files.write(withOnnx.resolve("se_resnet20.onnx"), new byte[] {1});
        assertEquals("OnnxRuntime", ModelSource.defaultEngine(null, withOnnx.toString()));
        Path torchOnly = Files.createDirectories(dir.resolve("trained"));
        Files.write(torchOnly.resolve("se_resnet20-0000.params"), new byte[] {1});
        assertEquals("PyTorch", ModelSource.defaultEngine(null, torchOnly.toString()));
        assertEquals("PyTorch", ModelSource.defaultEngine(null, dir.resolve("shipped-with-archives").toString()),
                "a directory the driver cannot list");
        assertTrue(ImageClassifier.builder().model("se_resnet20").build().describe().endsWith("on OnnxRuntime"));
        assertTrue(ImageClassifier.builder().model("se_resnet20").engine("PyTorch").build().describe()
                .endsWith("on PyTorch"));
    }
}
