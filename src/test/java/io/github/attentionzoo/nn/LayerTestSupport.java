package io.github.attentionzoo.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.Pair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.nio.file.Files;
import java.nio.file.Path;

/** Shared set-up for layer tests: a manager per test and helpers to run and inspect blocks. */
abstract class LayerTestSupport {

    protected NDManager manager;

    @BeforeEach
    void openManager() {
        Engine.getEngine("PyTorch").setRandomSeed(1234);
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    /** Initializes a block for an input shape, with N(0, 0.1) weights. */
    protected <B extends Block> B init(B block, Shape input) {
        block.setInitializer(new NormalInitializer(0.1f), Parameter.Type.WEIGHT);
        block.initialize(manager, DataType.FLOAT32, input);
        return block;
    }

    protected NDArray random(long... shape) {
        return manager.randomNormal(new Shape(shape));
    }

    protected NDArray forward(Block block, NDArray x, boolean training) {
        return block.forward(new ParameterStore(manager, false), new NDList(x), training).head();
    }

    protected NDArray param(Block block, String name) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getKey().equals(name)) {
                return p.getValue().getArray();
            }
        }
        throw new AssertionError("no parameter " + name + " in " + block.getParameters().keys());
    }

    protected static long parameterCount(Block block) {
        long n = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            n += p.getValue().getArray().size();
        }
        return n;
    }

    /** Counts only trainable parameters (no BatchNorm running statistics). */
    protected static long trainableCount(Block block) {
        long n = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                n += p.getValue().getArray().size();
            }
        }
        return n;
    }

    /** Runs one training forward/backward and checks every trainable parameter got a non-zero gradient. */
    protected void assertGradientsReachEveryParameter(Block block, NDArray x) {
        ParameterStore ps = new ParameterStore(manager, false);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y = block.forward(ps, new NDList(x), true).head();
            // A weighted sum, so that no parameter's gradient cancels out by symmetry.
            NDArray w = manager.randomUniform(0.5f, 1.5f, y.getShape());
            gc.backward(y.mul(w).sum());
        }
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (!p.getValue().requiresGradient()) {
                continue;
            }
            NDArray grad = p.getValue().getArray().getGradient();
            assertNotNull(grad, p.getKey());
            assertTrue(grad.abs().sum().getFloat() > 0f, "no gradient reached " + p.getKey());
        }
    }

    /** Saves a block with Model.save, loads it into a fresh copy, and checks outputs are identical. */
    protected void assertSaveLoadRoundTrip(Block original, Block fresh, Shape input, Path dir)
            throws Exception {
        NDArray x = random(input.getShape());
        float[] before = forward(original, x, false).toFloatArray();
        try (Model model = Model.newInstance("roundtrip")) {
            model.setBlock(original);
            model.save(dir, "roundtrip");
        }
        assertTrue(Files.list(dir).anyMatch(p -> p.toString().endsWith(".params")));
        try (Model model = Model.newInstance("roundtrip")) {
            model.setBlock(fresh);
            model.load(dir, "roundtrip");
            float[] after = forward(fresh, x.duplicate(), false).toFloatArray();
            assertArrayEquals(before, after, 0f);
        }
    }
}
