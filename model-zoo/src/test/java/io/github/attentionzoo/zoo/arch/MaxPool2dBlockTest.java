package io.github.attentionzoo.zoo.arch;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import io.github.attentionzoo.nn.SqueezeExcitation;
import io.github.attentionzoo.zoo.Architectures;
import io.github.attentionzoo.zoo.PretrainedStore;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The named max-pool block replaced DJL's lambda in simple_cnn and the ImageNet stem: files must not notice. */
class MaxPool2dBlockTest {

    /** simple_cnn as it was built before, with DJL's anonymous max-pool block. */
    private static Block lambdaSimpleCnn() {
        return new SequentialBlock()
                .add(Conv2d.builder().setFilters(64).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).build())
                .add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(SqueezeExcitation.builder().setChannels(64).optReduction(16).optMinHidden(1).build())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(10).build());
    }

    @Test
    void shippedWeightsLoadAndComputeAsWithDjlsBlock() throws Exception {
        Path dir = PretrainedStore.install("simple_cnn");
        try (Model before = Model.newInstance("simple_cnn", "PyTorch");
                Model after = Model.newInstance("simple_cnn", "PyTorch")) {
            before.setBlock(lambdaSimpleCnn());
            before.load(dir, "simple_cnn");
            after.setBlock(Architectures.build("simple_cnn", null));
            after.load(dir, "simple_cnn");
            NDArray x = after.getNDManager().randomNormal(new Shape(3, 3, 32, 32));
            float[] want = before.getBlock().forward(new ParameterStore(before.getNDManager(), false),
                    new NDList(x), false).head().toFloatArray();
            float[] got = after.getBlock().forward(new ParameterStore(after.getNDManager(), false),
                    new NDList(x), false).head().toFloatArray();
            assertArrayEquals(want, got);
            assertEquals(before.getBlock().getParameters().keys(), after.getBlock().getParameters().keys());
        }
    }

    @Test
    void poolsAsDjlDoesWithPaddingAndCeilMode() {
        try (Model model = Model.newInstance("pool", "PyTorch")) {
            NDArray x = model.getNDManager().randomNormal(new Shape(2, 4, 9, 9));
            MaxPool2dBlock pool = new MaxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), true);
            pool.initialize(model.getNDManager(), DataType.FLOAT32, x.getShape());
            NDArray got = pool.forward(new ParameterStore(model.getNDManager(), false), new NDList(x), false).head();
            NDArray want = Pool.maxPool2d(x, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), true);
            assertEquals(want.getShape(), got.getShape());
            assertArrayEquals(want.toFloatArray(), got.toFloatArray());
            assertEquals(new Shape(2, 4, 5, 5), pool.getOutputShapes(new Shape[] {x.getShape()})[0]);
        }
    }
}
