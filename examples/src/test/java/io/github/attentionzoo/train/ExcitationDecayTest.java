package io.github.attentionzoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.github.attentionzoo.zoo.Architectures;
import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.Set;

/** The SE weights a recipe can keep out of weight decay are exactly every SE block's. */
class ExcitationDecayTest {

    @Test
    void theSwitchFindsEverySeWeightAndNothingElse() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block net = Architectures.build("se_resnet20", null);
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
            Set<String> ids = RecipeOptimizer.excitationParameterIds(net);
            // 9 SE blocks, each two bias-free linear layers.
            assertEquals(18, ids.size());
            for (Pair<String, Parameter> p : net.getParameters()) {
                boolean se = p.getKey().toLowerCase(Locale.ROOT).contains("squeezeexcitation");
                assertEquals(se, ids.contains(p.getValue().getId()), p.getKey());
            }
            Block plain = Architectures.build("resnet20", null);
            plain.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
            assertTrue(RecipeOptimizer.excitationParameterIds(plain).isEmpty());
        }
    }
}
