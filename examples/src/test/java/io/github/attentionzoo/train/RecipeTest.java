package io.github.attentionzoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.github.attentionzoo.zoo.Architectures;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The named recipes are the ones the shipped weights were trained with. */
class RecipeTest {

    @Test
    void everyResNetTrains160EpochsWithCutout() {
        assertEquals(16, Recipe.forModel("se_resnet56").cutout());
        assertEquals(160, Recipe.forModel("se_resnet56").epochs());
        assertEquals(16, Recipe.forModel("se_resnet20").cutout());
        assertEquals(160, Recipe.forModel("sk_resnet20").epochs());
        assertEquals(Recipe.forModel("resnet20"), Recipe.forModel("se_resnet20"), "twins train alike");
        assertEquals(0.1f, Recipe.forModel("resnet20").lr());
    }

    @Test
    void textStatesEachNumberAsWritten() {
        assertEquals("nesterov-sgd(m=0.9) lr=0.1 cosine warmup=1 bs=128 epochs=160 wd=0.0005 (not on BN/bias)"
                + " cutout=16", Recipe.forModel("se_resnet56").toString());
        assertEquals("adam lr=0.001 cosine warmup=0 bs=128 epochs=10 wd=0 (not on BN/bias) smoothing=0.1",
                Recipe.forModel("simple_cnn").withRegularisation(0.1f, 0).toString());
    }

    @Test
    void he2016IsThePapersCifarRecipeAndOnlyForTheResNets() {
        Recipe he = Recipe.named("resnet20", "he2016");
        assertEquals("momentum-sgd(m=0.9) lr=0.1 step warmup=0 bs=128 epochs=164 wd=0.0001", he.toString());
        assertTrue(he.sameAs(he.toString()));
        assertEquals(1, Recipe.named("se_resnet110", "he2016").warmupEpochs());
        assertEquals(Recipe.forModel("sk_resnet20"), Recipe.named("sk_resnet20", "zoo"));
        assertEquals("wd=0.0005", Recipe.named("resnet20", "he2016").withWeightDecay(5e-4f).toString()
                .replaceAll(".* (wd=[^ ]+).*", "$1"));
        for (String other : new String[] {"simple_cnn", "se_resnet50"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Recipe.named(other, "he2016"));
            assertTrue(e.getMessage().contains("CIFAR ResNets, not " + other), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Recipe.named("resnet20", "fast"));
        assertTrue(e.getMessage().contains("unknown recipe 'fast'"), e.getMessage());
    }

    @Test
    void checkpointsWithTheEarlierTextStillMatchTheirRecipe() {
        // What checkpoints of the earlier 120-epoch recipe, without Cutout, stored before the text was plain.
        String earlier = "nesterov-sgd(m=0.9) lr=0.100000 cosine warmup=1 bs=128 epochs=120 wd=0.000500000"
                + " (not on BN/bias)";
        Recipe recipe = Recipe.forModel("se_resnet20").with(120, null, null, null).withRegularisation(0f, 0);
        assertTrue(recipe.sameAs(earlier));
        assertTrue(recipe.sameAs(recipe.toString()));
        assertFalse(recipe.sameAs(earlier.replace("lr=0.100000", "lr=0.0500000")));
        assertFalse(recipe.with(121, null, null, null).sameAs(earlier));
        assertFalse(recipe.withExcitationDecay(false).sameAs(earlier));
        assertTrue(Recipe.forModel("simple_cnn").sameAs(
                "adam lr=0.00100000 cosine warmup=0 bs=128 epochs=10 wd=0.00000 (not on BN/bias)"));
    }

    @Test
    void excitationDecayIsOnByDefaultAndTheSwitchFindsEverySeWeight() {
        assertTrue(Recipe.forModel("se_resnet20").decayExcitation());
        Recipe off = Recipe.forModel("se_resnet20").withExcitationDecay(false);
        assertTrue(off.toString().contains("(not on SE excitation)"), off.toString());
        try (NDManager manager = NDManager.newBaseManager()) {
            Block net = Architectures.build("se_resnet20", null);
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
            Set<String> ids = TrainingRun.excitationParameterIds(net);
            // 9 SE blocks, each two bias-free linear layers.
            assertEquals(18, ids.size());
            for (Pair<String, Parameter> p : net.getParameters()) {
                boolean se = p.getKey().toLowerCase().contains("squeezeexcitation");
                assertEquals(se, ids.contains(p.getValue().getId()), p.getKey());
            }
            Block plain = Architectures.build("resnet20", null);
            plain.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
            assertTrue(TrainingRun.excitationParameterIds(plain).isEmpty());
        }
    }
}
