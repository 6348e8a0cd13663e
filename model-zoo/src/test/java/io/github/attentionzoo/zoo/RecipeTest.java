package io.github.attentionzoo.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

/** Recipes are data: each model's entry holds the one its shipped weights were trained with, compared by value. */
class RecipeTest {

    @Test
    void everyResNetTrains160EpochsWithCutoutAndTwinsTrainAlike() {
        Recipe se56 = Architectures.spec("se_resnet56").recipe();
        assertEquals(16, se56.cutout());
        assertEquals(160, se56.epochs());
        assertEquals(Architectures.spec("resnet20").recipe(), Architectures.spec("se_resnet20").recipe(),
                "twins train alike");
        assertEquals(Architectures.spec("resnet20").recipe(), Architectures.spec("sk_resnet20").recipe());
        assertEquals(0.1f, Architectures.spec("resnet20").recipe().lr());
    }

    @Test
    void theShippedExceptionsAreTheRegistrysDefaults() {
        Recipe simple = Architectures.spec("simple_cnn").recipe();
        assertEquals("adam lr=0.003 cosine warmup=0 bs=128 epochs=60 wd=0 (not on BN/bias)", simple.toString());
        assertEquals("nesterov-sgd(m=0.9) lr=0.1 cosine warmup=1 bs=128 epochs=160 wd=0.0005 (not on BN/bias)"
                + " (not on SE excitation) cutout=16", Architectures.spec("se_resnet56").recipe().toString());
        assertTrue(Architectures.spec("se_resnet20").recipe().decayExcitation());
    }

    @Test
    void everyShippedModelRecordsItsRegistryRecipe() throws Exception {
        int shipped = 0;
        for (String name : Architectures.names()) {
            ModelMetadata m = PretrainedStore.shippedMetadata(name);
            if (m != null) {
                shipped++;
                assertEquals(Architectures.spec(name).recipe(), m.recipe, name);
            }
        }
        assertEquals(6, shipped);
    }

    @Test
    void textAndJsonReadBackByValue() {
        for (String name : Architectures.names()) {
            for (Recipe r : Architectures.spec(name).recipes().values()) {
                assertEquals(r, Recipe.parse(r.toString()), r.toString());
                assertEquals(r, Recipe.fromJson(JsonParser.parseString(r.toJson().toString())), r.toString());
            }
        }
        // What checkpoints of an earlier 120-epoch recipe stored before the text was plain.
        Recipe earlier = Recipe.parse("nesterov-sgd(m=0.9) lr=0.100000 cosine warmup=1 bs=128 epochs=120"
                + " wd=0.000500000 (not on BN/bias)");
        assertEquals(Recipe.builder().epochs(120).cutout(0).build(), earlier);
        assertEquals(Architectures.spec("simple_cnn").recipe().toBuilder().epochs(10).lr(1e-3f).build(),
                Recipe.parse("adam lr=0.00100000 cosine warmup=0 bs=128 epochs=10 wd=0.00000 (not on BN/bias); a note"));
        assertNotEquals(earlier, earlier.toBuilder().decayExcitation(false).build());
        assertThrows(IllegalArgumentException.class, () -> Recipe.parse("imported from PyTorch state_dict x.npz"));
    }

    @Test
    void he2016IsThePapersCifarRecipeAndOnlyForTheCifarResNets() {
        Recipe he = Architectures.recipe("resnet20", "he2016");
        assertEquals("momentum-sgd(m=0.9) lr=0.1 step warmup=0 bs=128 epochs=164 wd=0.0001", he.toString());
        assertEquals(1, Architectures.recipe("se_resnet110", "he2016").warmupEpochs());
        for (String other : new String[] {"simple_cnn", "se_resnet50"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Architectures.recipe(other, "he2016"));
            assertTrue(e.getMessage().contains("unknown recipe 'he2016' for " + other), e.getMessage());
        }
    }

    @Test
    void theFastRecipeIsTheTwentyLayerResNetsAndTwinsShareIt() {
        Recipe fast = Architectures.recipe("se_resnet20", Architectures.FAST_RECIPE);
        assertEquals(fast, Architectures.recipe("resnet20", Architectures.FAST_RECIPE), "twins train alike");
        assertEquals(fast, Architectures.recipe("sk_resnet20", Architectures.FAST_RECIPE));
        assertTrue(fast.ema() > 0 && fast.epochs() < Architectures.spec("se_resnet20").recipe().epochs(), fast.toString());
        assertTrue(fast.toString().contains(" ema="), fast.toString());
        for (String other : new String[] {"se_resnet56", "simple_cnn"}) {
            assertThrows(IllegalArgumentException.class, () -> Architectures.recipe(other, Architectures.FAST_RECIPE));
        }
    }

    @Test
    void recipesWrittenBeforeWeightAveragingReadAsNone() {
        Recipe zoo = Architectures.spec("resnet20").recipe();
        com.google.gson.JsonObject json = zoo.toJson();
        assertTrue(!json.has("ema"), json.toString());
        assertEquals(0f, Recipe.fromJson(json).ema());
        Recipe averaged = zoo.toBuilder().ema(0.999f).build();
        assertEquals(averaged, Recipe.fromJson(JsonParser.parseString(averaged.toJson().toString())));
        assertEquals(averaged, Recipe.parse(averaged.toString()));
        assertNotEquals(zoo, averaged);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> zoo.toBuilder().ema(1f).build())
                .getMessage().contains("--ema"));
    }

    @Test
    void outOfRangeValuesAreRefusedByName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Recipe.builder().lr(Float.NaN).build())
                .getMessage().contains("--lr"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Recipe.fromJson(JsonParser.parseString("{\"epochs\": \"many\"}"))).getMessage().contains("recipe"));
    }
}
