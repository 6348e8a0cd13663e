package io.github.attentionzoo.interop;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import ai.onnxruntime.OnnxModelMetadata;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.attentionzoo.nn.ConvBnAct;
import io.github.attentionzoo.nn.ConvBnActBlock;
import io.github.attentionzoo.nn.Gate;
import io.github.attentionzoo.nn.SelectiveKernel;
import io.github.attentionzoo.nn.Squeeze;
import io.github.attentionzoo.nn.SqueezeExcitation;
import io.github.attentionzoo.zoo.Architectures;
import io.github.attentionzoo.zoo.AttentionZoo;
import io.github.attentionzoo.zoo.CifarTranslator;
import io.github.attentionzoo.zoo.Precision;
import io.github.attentionzoo.zoo.PretrainedStore;
import io.github.attentionzoo.zoo.arch.MaxPool2dBlock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Exports every zoo architecture, untrained and with its shipped weights, and checks each file
 * twice: ONNX Runtime must give PyTorch's logits, and ONNX's own checker must accept it.
 *
 * <p>Exports are cached for the class, so the checker (run last, once, over every file) does not
 * export again; run alone it exports what it needs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OnnxExportTest {

    /** The networks run here outside the zoo's loaders, as a user's own would: set the engine up as they would. */
    @BeforeAll
    static void engine() {
        io.github.attentionzoo.engine.EngineSetup.prepare(ai.djl.engine.Engine.getEngine("PyTorch"));
    }


    /** Relative tolerance: max|Δ| ≤ TOL · max(1, max|logit|). */
    private static final double TOL = 1e-4;

    @TempDir
    static Path dir;

    /** What the PyTorch engine computed for an exported file, to compare ONNX Runtime with. */
    private record Export(Path file, String architecture, int size, List<Case> random, Case real) {}

    /** One input batch and PyTorch's logits for it. */
    private record Case(Shape shape, float[] input, float[] logits) {}

    private static final Map<String, Export> EXPORTS = new LinkedHashMap<>();

    static Stream<String> architectures() {
        return Architectures.names().stream();
    }

    static Stream<String> shipped() {
        return Architectures.names().stream().filter(PretrainedStore::hasWeights);
    }

    // ---- building the references ----

    /** Batch 1 and a larger batch: the same file must serve both through its dynamic batch axis. */
    private static int[] batches(int size) {
        return size > 64 ? new int[] {1, 2} : new int[] {1, 3};
    }

    private static Case reference(Block block, NDManager manager, Shape shape, float[] input) {
        NDArray x = manager.create(input, shape);
        NDArray y = block.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
        return new Case(shape, input, y.toFloatArray());
    }

    private static List<Case> randomCases(Block block, NDManager manager, int size, long seed) {
        Random rng = new Random(seed);
        List<Case> cases = new ArrayList<>();
        for (int n : batches(size)) {
            Shape shape = new Shape(n, 3, size, size);
            float[] input = new float[(int) shape.size()];
            for (int i = 0; i < input.length; i++) {
                input[i] = (float) rng.nextGaussian();
            }
            cases.add(reference(block, manager, shape, input));
        }
        return cases;
    }

    /**
     * Gives every BatchNorm non-trivial statistics and affine parameters, so a wrong fold shows
     * (fresh ones are mean 0, variance 1, γ 1, β 0, which hide most mistakes).
     */
    static void randomizeBatchNorms(Block block, long seed) {
        Random rng = new Random(seed);
        for (Pair<String, Parameter> p : block.getParameters()) {
            String key = p.getKey();
            NDArray a = p.getValue().getArray();
            float[] v = new float[(int) a.size()];
            if (key.endsWith("runningMean")) {
                fill(v, () -> (float) (rng.nextGaussian() * 0.2));
            } else if (key.endsWith("runningVar")) {
                fill(v, () -> 0.5f + rng.nextFloat() * 1.5f);
            } else if (key.endsWith("gamma")) {
                fill(v, () -> 0.5f + rng.nextFloat());
            } else if (key.endsWith("beta")) {
                fill(v, () -> (float) (rng.nextGaussian() * 0.1));
            } else {
                continue;
            }
            a.set(v);
        }
        damp(block);
    }

    /**
     * Shrinks γ where a residual branch (or projection) ends, as trained ResNets have it: without
     * that, random statistics let the residual stream grow block after block, and float32 alone
     * (PyTorch against itself in float64) then misses the tolerance on the deepest networks.
     */
    private static void damp(Block block) {
        if (block instanceof ConvBnActBlock unit && !unit.isRelu()) {
            NDArray gamma = unit.getChildren().valueAt(1).getParameters().get("gamma").getArray();
            gamma.set(gamma.mul(0.5f).toFloatArray());
        }
        for (Pair<String, Block> child : block.getChildren()) {
            damp(child.getValue());
        }
    }

    private static void fill(float[] v, java.util.function.Supplier<Float> f) {
        for (int i = 0; i < v.length; i++) {
            v[i] = f.get();
        }
    }

    private static synchronized Export untrained(String name) throws IOException {
        Export cached = EXPORTS.get(name);
        if (cached != null) {
            return cached;
        }
        int size = Architectures.spec(name).inputSize();
        try (Model model = Model.newInstance(name, "PyTorch")) {
            Block block = Architectures.build(name, null);
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3, size, size));
            randomizeBatchNorms(block, name.hashCode());
            Path file = dir.resolve(name + ".onnx");
            int classes = Architectures.spec(name).defaultClasses();
            OnnxExport.write(block, new Shape(3, size, size),
                    OnnxExport.metadata(name, CifarTranslator.defaultSynset(classes), size), file);
            Export e = new Export(file, name, size, randomCases(block, model.getNDManager(), size, 7), null);
            EXPORTS.put(name, e);
            return e;
        }
    }

    private static synchronized Export shippedExport(String name) throws Exception {
        String key = "shipped " + name;
        Export cached = EXPORTS.get(key);
        if (cached != null) {
            return cached;
        }
        Criteria<Image, Classifications> criteria = Criteria.builder()
                .setTypes(Image.class, Classifications.class)
                .optModelUrls("djl://" + AttentionZoo.GROUP_ID + "/" + name).build();
        try (ZooModel<Image, Classifications> model = criteria.loadModel()) {
            Block block = model.getBlock();
            int size = Architectures.spec(name).inputSize();
            Path file = dir.resolve(name + "-shipped.onnx");
            OnnxExport.write(block, new Shape(3, size, size), OnnxExport.metadata(model), file);
            NDManager manager = model.getNDManager();
            Case real = null;
            float[] images = cifarTestImages(REAL_IMAGES);
            if (images != null) {
                real = reference(block, manager, new Shape(REAL_IMAGES, 3, 32, 32), images);
            }
            Export e = new Export(file, name, size, randomCases(block, manager, size, 11), real);
            EXPORTS.put(key, e);
            return e;
        }
    }

    private static final int REAL_IMAGES = 100;

    private static Path cifarTestBatch() {
        // The 1,000 test images embedded in the CLI jar: always here, unlike the full set.
        return Path.of(System.getProperty("attentionzoo.project.dir", ".."), "examples", "src", "main", "resources",
                "cifar10-sample", "test_batch.bin");
    }

    /** The first {@code n} CIFAR-10 test images, normalized as {@link CifarTranslator} does, or null. */
    private static float[] cifarTestImages(int n) throws IOException {
        Path file = cifarTestBatch();
        if (!Files.isRegularFile(file)) {
            return null;
        }
        byte[] records = new byte[n * 3073];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(records, 0, records.length) != records.length) {
                return null;
            }
        }
        float[] x = new float[n * 3072];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3072; j++) {
                int c = j / 1024;
                float v = (records[i * 3073 + 1 + j] & 0xFF) / 255f;
                x[i * 3072 + j] = (v - CifarTranslator.MEAN[c]) / CifarTranslator.STD[c];
            }
        }
        return x;
    }

    // ---- running ONNX Runtime ----

    private static ZooModel<NDList, NDList> onnxRuntime(Path file) throws Exception {
        return Criteria.builder().setTypes(NDList.class, NDList.class)
                .optModelPath(file).optEngine("OnnxRuntime")
                .optOption("intraOpNumThreads", "2").optOption("interOpNumThreads", "1")
                .build().loadModel();
    }

    private static void assertAgrees(Export e, List<Case> cases) throws Exception {
        try (ZooModel<NDList, NDList> model = onnxRuntime(e.file);
                Predictor<NDList, NDList> predictor = model.newPredictor()) {
            for (Case c : cases) {
                NDList out = predictor.predict(new NDList(model.getNDManager().create(c.input, c.shape)));
                NDArray y = out.singletonOrThrow();
                assertEquals(c.shape.get(0), y.getShape().get(0), "batch axis of " + e.file.getFileName());
                float[] got = y.toFloatArray();
                assertEquals(c.logits.length, got.length);
                double maxAbs = 0;
                double maxDiff = 0;
                for (int i = 0; i < got.length; i++) {
                    maxAbs = Math.max(maxAbs, Math.abs(c.logits[i]));
                    maxDiff = Math.max(maxDiff, Math.abs(c.logits[i] - got[i]));
                }
                assertFalse(Double.isNaN(maxDiff), "NaN logits");
                assertTrue(maxDiff <= TOL * Math.max(1, maxAbs), String.format(
                        "%s batch %d: max|Δ| %.3g, max|logit| %.3g", e.file.getFileName(), c.shape.get(0),
                        maxDiff, maxAbs));
            }
        }
    }

    // ---- the tests ----

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void untrainedExportComputesWhatPyTorchComputes(String name) throws Exception {
        Export e = untrained(name);
        assertAgrees(e, e.random);
    }

    @Order(2)
    @ParameterizedTest(name = "{0}")
    @MethodSource("shipped")
    void shippedExportComputesWhatPyTorchComputes(String name) throws Exception {
        Export e = shippedExport(name);
        assertAgrees(e, e.random);
    }

    @Order(3)
    @ParameterizedTest(name = "{0}")
    @MethodSource("shipped")
    void shippedExportClassifiesRealImagesAsPyTorch(String name) throws Exception {
        assumeTrue(Files.isRegularFile(cifarTestBatch()), "CIFAR-10 test batch not found at " + cifarTestBatch());
        Export e = shippedExport(name);
        assertAgrees(e, List.of(e.real));
    }

    /** Options no zoo architecture uses, so that each mapping's other branches run too. */
    private static SequentialBlock everyOtherOption() {
        return new SequentialBlock()
                .add(Conv2d.builder().setFilters(8).setKernelShape(new Shape(3, 3)).optStride(new Shape(2, 2))
                        .optPadding(new Shape(1, 1)).optBias(true).build())
                .add(ConvBnAct.batchNorm())
                .add(Activation.reluBlock())
                .add(SqueezeExcitation.builder().setChannels(8).optReduction(2).optSqueeze(Squeeze.MAX)
                        .optGate(Gate.HARD_SIGMOID).optBias(true).build())
                .add(SelectiveKernel.builder().optInChannels(8).setChannels(12).optKernels(1, 3, 5).optGroups(4)
                        .optStride(2).optConvBias(true).optFuseNormAct(false).optMinHidden(4).build())
                .add(SelectiveKernel.builder().setChannels(12).optKernels(7).optDilated(true).optMinHidden(4).build())
                .add(new MaxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), true))
                .add(Blocks.identityBlock())
                .add(Linear.builder().setUnits(5).build())
                .add(Pool.globalMaxPool2dBlock())
                .add(Linear.builder().setUnits(6).optBias(false).build())
                .add(ConvBnAct.batchNorm());
    }

    @Order(4)
    @Test
    void everyMappingOptionComputesWhatPyTorchComputes() throws Exception {
        assertAgrees(options(), options().random);
    }

    private static synchronized Export options() throws IOException {
        Export cached = EXPORTS.get("options");
        if (cached != null) {
            return cached;
        }
        int size = 22;
        try (Model model = Model.newInstance("options", "PyTorch")) {
            Block block = everyOtherOption();
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3, size, size));
            randomizeBatchNorms(block, 3);
            Path file = dir.resolve("options.onnx");
            OnnxExport.write(block, new Shape(3, size, size), Map.of(), file);
            Export e = new Export(file, null, size, randomCases(block, model.getNDManager(), size, 5), null);
            EXPORTS.put("options", e);
            return e;
        }
    }

    @Order(5)
    @Test
    void metadataAndDynamicBatchTravelWithTheFile() throws Exception {
        Export e = untrained("se_resnet20");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(e.file.toString(), options)) {
            OnnxModelMetadata meta = session.getMetadata();
            assertEquals("attentionzoo", meta.getProducerName());
            Map<String, String> custom = meta.getCustomMetadata();
            assertEquals("se_resnet20", custom.get("architecture"));
            assertEquals("32", custom.get("input_size"));
            assertEquals(CifarTranslator.CLASSES, Arrays.asList(new Gson().fromJson(custom.get("class_names"), String[].class)));
            assertArrayEquals(CifarTranslator.MEAN, new Gson().fromJson(custom.get("normalization_mean"), float[].class));
            assertArrayEquals(CifarTranslator.STD, new Gson().fromJson(custom.get("normalization_std"), float[].class));
            TensorInfo in = (TensorInfo) session.getInputInfo().get("input").getInfo();
            assertArrayEquals(new long[] {-1, 3, 32, 32}, in.getShape());
            assertEquals("batch", in.getDimensionNames()[0]);
            TensorInfo out = (TensorInfo) session.getOutputInfo().get("logits").getInfo();
            assertArrayEquals(new long[] {-1, 10}, out.getShape());
        }
    }

    /** A block the exporter has never heard of. */
    static final class Doubler extends AbstractBlock {
        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            return new NDList(inputs.singletonOrThrow().mul(2));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return inputShapes;
        }
    }

    @Order(6)
    @Test
    void refusesWhatItCannotExpressNamingTheBlock() {
        Shape in = new Shape(3, 8, 8);
        Function<Block, String> refusal = block -> {
            try (NDManager manager = NDManager.newBaseManager()) {
                if (!(block.getChildren().size() > 0 && block.getChildren().valueAt(0) instanceof LSTM)) {
                    block.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 8, 8));
                }
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> OnnxExport.toBytes(block, in, Map.of()));
                assertFalse(e.getMessage().contains("\n"), e.getMessage());
                return e.getMessage();
            }
        };
        String lstm = refusal.apply(new SequentialBlock().add(LSTM.builder().setStateSize(4).setNumLayers(1).build()));
        assertTrue(lstm.contains(LSTM.class.getName()) && lstm.contains("'01LSTM'"), lstm);

        String custom = refusal.apply(new SequentialBlock().add(ConvBnAct.of(4).build())
                .add(new SequentialBlock().add(Activation.reluBlock()).add(new Doubler())));
        assertTrue(custom.contains(Doubler.class.getName()) && custom.contains("'02SequentialBlock.02Doubler'"), custom);

        String root = refusal.apply(new Doubler());
        assertTrue(root.contains(Doubler.class.getName()) && root.contains("the root block"), root);

        String subclass = refusal.apply(new SequentialBlock() { }.add(Activation.reluBlock()));
        assertTrue(subclass.contains("no ONNX mapping"), subclass);

        String unknown = refusal.apply(new SequentialBlock().add(new LambdaBlock(x -> x, "mystery")));
        assertTrue(unknown.contains("'mystery'") && unknown.contains("'01LambdaBlock'"), unknown);

        String impostor = refusal.apply(new SequentialBlock().add(
                LambdaBlock.singleton(Activation::sigmoid, "ReLU")));
        assertTrue(impostor.contains("does not compute DJL's ReLU"), impostor);

        String djlPool = refusal.apply(new SequentialBlock().add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2))));
        assertTrue(djlPool.contains(MaxPool2dBlock.class.getName()), djlPool);

        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> OnnxExport.toBytes(new SequentialBlock(), new Shape(1, 3, 8, 8), Map.of()));
        assertTrue(shape.getMessage().contains("(C, H, W)"), shape.getMessage());
    }

    @Order(7)
    @Test
    void writesAtomicallyUnderNamesOfUpTo255Bytes() throws Exception {
        Path out = Files.createDirectory(dir.resolve("atomic"));
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = new SequentialBlock().add(ConvBnAct.of(4).build()).add(Pool.globalAvgPool2dBlock());
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 8, 8));
            for (String name : List.of("m".repeat(250) + ".onnx", "é".repeat(125) + ".onnx", "small.onnx")) {
                assertTrue(name.getBytes(StandardCharsets.UTF_8).length <= 255, name);
                Path file = out.resolve(name);
                OnnxExport.write(block, new Shape(3, 8, 8), Map.of("v", "1"), file);
                OnnxExport.write(block, new Shape(3, 8, 8), Map.of("v", "2"), file);
                assertArrayEquals(OnnxExport.toBytes(block, new Shape(3, 8, 8), Map.of("v", "2")), Files.readAllBytes(file));
            }
            try (Stream<Path> files = Files.list(out)) {
                assertEquals(3, files.count(), "no temporary file stays behind");
            }
        }
    }

    @Order(100)
    @Test
    void everyExportPassesTheOnnxChecker() throws Exception {
        String python = pythonWithOnnx();
        assumeTrue(python != null, "python3 with the onnx package is not installed (Debian: apt-get install "
                + "python3-onnx); the ONNX checker was not run");
        for (String name : Architectures.names()) {
            untrained(name);
            if (PretrainedStore.hasWeights(name)) {
                shippedExport(name);
            }
        }
        options();
        List<Export> exports = new ArrayList<>(EXPORTS.values());
        // The int8 files the build makes from the shipped ranges pass the same full check.
        for (String name : Architectures.names()) {
            // Read from the jar, not DJL's cache, which other versions of the zoo on this machine share.
            try (InputStream in = PretrainedStore.class.getResourceAsStream(
                    PretrainedStore.RESOURCES + name + "/" + Precision.INT8.onnxName(name))) {
                if (in != null) {
                    Path int8 = dir.resolve(Precision.INT8.onnxName(name));
                    Files.write(int8, in.readAllBytes());
                    exports.add(new Export(int8, name, Architectures.spec(name).inputSize(), List.of(), null));
                }
            }
        }
        assertTrue(exports.stream().anyMatch(e -> e.file.toString().endsWith("-int8.onnx")), "no int8 file checked");
        List<String> command = new ArrayList<>(List.of(python, "-c", CHECKER));
        exports.forEach(e -> command.add(e.file.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "checker timed out");
        assertEquals(0, p.exitValue(), output);
        String json = output.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow(() ->
                new AssertionError("no result from the checker: " + output));
        JsonObject results = JsonParser.parseString(json).getAsJsonObject();
        List<String> failures = new ArrayList<>();
        for (Export e : exports) {
            JsonObject r = results.getAsJsonObject(e.file.toString());
            if (!r.get("ok").getAsBoolean()) {
                failures.add(e.file.getFileName() + ": " + r.get("error").getAsString());
                continue;
            }
            assertEquals(8, r.get("ir").getAsInt());
            assertEquals("[[\"\",17]]", r.get("opset").toString());
            assertEquals("attentionzoo", r.get("producer").getAsString());
            assertEquals("[\"input\",[\"batch\",3," + e.size + "," + e.size + "]]", r.get("input").toString());
            assertTrue(r.get("output").toString().startsWith("[\"logits\",[\"batch\","), r.get("output").toString());
            if (e.architecture != null) {
                JsonObject meta = r.getAsJsonObject("meta");
                for (String key : List.of("architecture", "class_names", "input_size", "normalization_mean",
                        "normalization_std")) {
                    assertTrue(meta.has(key), e.file.getFileName() + " lacks metadata " + key);
                }
                assertEquals(e.architecture, meta.get("architecture").getAsString());
            }
        }
        if (!failures.isEmpty()) {
            fail("the ONNX checker refused:\n" + failures.stream().collect(Collectors.joining("\n")));
        }
    }

    private static final String CHECKER = String.join("\n",
            "import json, sys, onnx",
            "res = {}",
            "for path in sys.argv[1:]:",
            "    try:",
            "        m = onnx.load(path)",
            "        onnx.checker.check_model(m, full_check=True)",
            "        dims = lambda v: [v.name, [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]]",
            "        res[path] = {'ok': True, 'ir': m.ir_version, 'producer': m.producer_name,",
            "            'opset': [[o.domain, o.version] for o in m.opset_import],",
            "            'input': dims(m.graph.input[0]), 'output': dims(m.graph.output[0]),",
            "            'meta': {p.key: p.value for p in m.metadata_props}}",
            "    except Exception as e:",
            "        res[path] = {'ok': False, 'error': (str(e).strip().splitlines() or [repr(e)])[0]}",
            "print(json.dumps(res))");

    /** A Python that imports onnx: {@code -Dattentionzoo.python}, else python3 on the PATH, else Debian's. */
    private static String pythonWithOnnx() {
        List<String> candidates = new ArrayList<>();
        String configured = System.getProperty("attentionzoo.python");
        if (configured != null) {
            candidates.add(configured);
        }
        candidates.addAll(List.of("python3", "/usr/bin/python3"));
        for (String python : candidates) {
            try {
                Process p = new ProcessBuilder(python, "-c", "import onnx").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return python;
                }
            } catch (IOException e) {
                // Not installed under this name: try the next.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }
}
