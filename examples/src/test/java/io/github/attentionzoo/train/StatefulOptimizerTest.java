package io.github.attentionzoo.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import io.github.attentionzoo.zoo.Recipe;
import org.junit.jupiter.api.Test;

import java.util.Set;

class StatefulOptimizerTest {

    private static Block mlp(NDManager manager, int hidden) {
        Block block = new SequentialBlock()
                .add(Linear.builder().setUnits(hidden).build())
                .add(new SequentialBlock().add(Linear.builder().setUnits(3).build()));
        block.setInitializer(new NormalInitializer(), Parameter.Type.WEIGHT);
        block.initialize(manager, DataType.FLOAT32, new Shape(2, 5));
        return block;
    }

    /** The device the test's arrays live on, which is where the restored state must go. */
    private static Device[] on(NDManager manager) {
        return new Device[] {manager.getDevice()};
    }

    private static Sgd nesterov() {
        return new Sgd(new LrSchedule(Recipe.Schedule.COSINE, 0.1f, 100, 0), 0.9f, true, 0f, Set.of(), 1);
    }

    private static Sgd sgdWithOneStep(Block block, NDManager manager) {
        Sgd sgd = nesterov();
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray weight = p.getValue().getArray();
            weight.setRequiresGradient(true);
            try (NDArray grad = manager.randomNormal(weight.getShape())) {
                sgd.update(p.getValue().getId(), weight, grad);
            }
        }
        return sgd;
    }

    /** Renames every class-named path segment, as a refactor of the block classes would. */
    private static NDList renameClasses(NDList state) {
        NDList renamed = new NDList();
        for (NDArray array : state) {
            NDArray copy = array.duplicate();
            copy.setName(array.getName().replace("SequentialBlock", "StemBlock").replace("Linear", "Dense"));
            renamed.add(copy);
        }
        return renamed;
    }

    @Test
    void positionalNameKeepsOnlyChildPositionsAndTheParameterName() {
        assertEquals("02_01_01_03_weight",
                StatefulOptimizer.positionalName(
                        "02SequentialBlock_01SEBasicBlock_01residual_03SqueezeExcitation_weight"));
        assertEquals("01_02_gamma", StatefulOptimizer.positionalName("01ConvBnActBlock_02BatchNorm_gamma"));
    }

    @Test
    void stateSurvivesARenameOfTheBlockClasses() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = mlp(manager, 4);
            PairList<String, Parameter> params = block.getParameters();
            NDList saved = sgdWithOneStep(block, manager).exportState(params, manager);
            assertEquals(params.size(), saved.size());

            Sgd restored = nesterov();
            restored.importState(renameClasses(saved), params, on(manager));
            NDList again = restored.exportState(params, manager);
            for (int i = 0; i < saved.size(); i++) {
                assertEquals(saved.get(i).getName(), again.get(i).getName());
                assertArrayEquals(saved.get(i).toFloatArray(), again.get(i).toFloatArray());
            }
        }
    }

    @Test
    void stateOfAnotherStructureIsRefusedWithTheParameterNamed() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block small = mlp(manager, 4);
            NDList saved = sgdWithOneStep(small, manager).exportState(small.getParameters(), manager);
            Block wide = mlp(manager, 6);
            Sgd restored = nesterov();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> restored.importState(renameClasses(saved), wide.getParameters(), on(manager)));
            assertTrue(e.getMessage().contains("has shape"), e.getMessage());

            NDList extra = renameClasses(saved);
            extra.get(0).setName("momentum/09Other_weight");
            e = assertThrows(IllegalArgumentException.class,
                    () -> restored.importState(extra, small.getParameters(), on(manager)));
            assertTrue(e.getMessage().contains("'09Other_weight', which the model lacks"), e.getMessage());
        }
    }

    @Test
    void weightDecayShrinksOnlyTheParametersNotExempted() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = mlp(manager, 4);
            PairList<String, Parameter> params = block.getParameters();
            String exempt = params.get(0).getValue().getId();
            Sgd sgd = new Sgd(new LrSchedule(Recipe.Schedule.CONSTANT, 0.1f, 10, 0), 0f, false, 0.5f, Set.of(exempt), 1);
            for (Pair<String, Parameter> p : params) {
                NDArray weight = p.getValue().getArray();
                weight.setRequiresGradient(true);
                float[] before = weight.toFloatArray();
                try (NDArray zero = manager.zeros(weight.getShape())) {
                    sgd.update(p.getValue().getId(), weight, zero);
                }
                float[] after = weight.toFloatArray();
                for (int i = 0; i < before.length; i++) {
                    float expected = p.getValue().getId().equals(exempt) ? before[i] : before[i] * (1 - 0.1f * 0.5f);
                    assertEquals(expected, after[i], 1e-6f, p.getKey());
                }
            }
        }
    }

    @Test
    void classicalAndNesterovMomentumTakeTheirOwnSteps() {
        // With a constant gradient of 1, lr 0.1 and μ 0.9: classical steps 0.1 then 0.19, Nesterov's
        // look-ahead 0.19 then 0.271 (PyTorch's torch.optim.SGD formulas).
        for (boolean nesterov : new boolean[] {false, true}) {
            try (NDManager manager = NDManager.newBaseManager()) {
                Sgd sgd = new Sgd(new LrSchedule(Recipe.Schedule.CONSTANT, 0.1f, 10, 0), 0.9f, nesterov, 0f,
                        Set.of(), 1);
                NDArray weight = manager.zeros(new Shape(1));
                weight.setRequiresGradient(true);
                for (int step = 0; step < 2; step++) {
                    try (NDArray grad = manager.ones(new Shape(1))) {
                        sgd.update("w", weight, grad);
                    }
                }
                assertEquals(nesterov ? -0.461f : -0.29f, weight.getFloat(0), 1e-6f, "nesterov " + nesterov);
            }
        }
    }
}
