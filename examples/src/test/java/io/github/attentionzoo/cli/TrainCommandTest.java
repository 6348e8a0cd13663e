package io.github.attentionzoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.attentionzoo.zoo.Architectures;
import io.github.attentionzoo.zoo.ModelMetadata;
import io.github.attentionzoo.zoo.PretrainedStore;
import io.github.attentionzoo.zoo.Recipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@code train --print-recipe}: the recipe a run would use, without training. */
class TrainCommandTest {

    @Test
    void printRecipeEqualsTheRecipeEachShippedModelRecords() throws Exception {
        for (String name : Architectures.names()) {
            ModelMetadata shipped = PretrainedStore.shippedMetadata(name);
            if (shipped != null) {
                CliSupport.Result r = CliSupport.run("train", "--model", name, "--print-recipe");
                assertEquals(0, r.status(), r.err());
                assertEquals(shipped.recipe, Recipe.parse(r.out().strip()), name);
            }
        }
    }

    @Test
    void printsTheNamedRecipeWithoutTraining(@TempDir Path dir) {
        Path out = dir.resolve("run");
        CliSupport.Result r = CliSupport.run("train", "--model", "se_resnet56",
                "--data", dir.resolve("absent").toString(), "--output", out.toString(), "--print-recipe");
        assertEquals(0, r.status(), r.err());
        assertEquals(Architectures.spec("se_resnet56").recipe().toString(), r.out().strip());
        assertTrue(r.out().contains("epochs=160") && r.out().contains("cutout=16"), r.out());
        assertFalse(Files.exists(out), "nothing was trained or written");
    }

    @Test
    void flagsOverrideTheRecipeInThePrintedText() {
        CliSupport.Result r = CliSupport.run("train", "--model", "se_resnet20", "--epochs", "7", "--cutout", "8",
                "--no-se-decay", "--print-recipe");
        assertEquals(0, r.status(), r.err());
        String text = r.out().strip();
        assertTrue(text.contains("epochs=7") && text.contains("cutout=8")
                && text.contains("(not on SE excitation)"), text);
        assertFalse(CliSupport.run("train", "--model", "se_resnet20", "--print-recipe").out()
                .contains("not on SE excitation"));
        assertFalse(CliSupport.run("train", "--model", "se_resnet56", "--se-decay", "--print-recipe").out()
                .contains("not on SE excitation"), "the flag that changes se_resnet56's default back");
        for (String plain : new String[] {"resnet56", "sk_resnet20"}) {
            CliSupport.Result bad = CliSupport.run("train", "--model", plain, "--no-se-decay", "--print-recipe");
            assertNotEquals(0, bad.status(), plain);
            assertTrue(bad.err().contains("--no-se-decay: " + plain + " has no SE block"), bad.err());
        }
    }

    @Test
    void printRecipeJsonIsTheRegistrysRecipeOfEveryModelAndRecipe() {
        for (String name : Architectures.names()) {
            Architectures.Spec spec = Architectures.spec(name);
            for (String recipeName : spec.recipes().keySet()) {
                CliSupport.Result r = CliSupport.run("train", "--model", name, "--recipe", recipeName, "--print-recipe",
                        "--json");
                assertEquals(0, r.status(), r.err());
                JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
                Recipe registered = Architectures.recipe(name, recipeName);
                String what = name + " " + recipeName;
                assertEquals(registered, Recipe.fromJson(o.get("recipe")), what);
                assertEquals(registered.toString(), o.get("recipeText").getAsString(), what);
                assertEquals(name, o.get("architecture").getAsString(), what);
                assertEquals(recipeName, o.get("recipeName").getAsString(), what);
                assertEquals(spec.inputSize(), o.get("inputSize").getAsInt(), what);
                assertTrue(o.get("command").getAsString().endsWith("train --model " + name + " --recipe " + recipeName
                        + " --print-recipe --json"), o.get("command").getAsString());
                if (spec.structure() == null) {
                    assertNull(o.get("network"), what);
                } else {
                    assertEquals(Architectures.structure(name, null), o.get("network"), what);
                }
                // The text form, which training/ship.sh compares, stays as it was.
                assertEquals(registered.toString(), CliSupport.run("train", "--model", name, "--recipe", recipeName,
                        "--print-recipe").out().strip(), what);
            }
        }
    }

    @Test
    void printRecipeJsonCarriesTheFlagsAndTheNetwork() {
        CliSupport.Result r = CliSupport.run("train", "--model", "se_resnet56", "--se-decay", "--epochs", "16",
                "--print-recipe", "--json");
        assertEquals(0, r.status(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(Architectures.spec("se_resnet56").recipe().toBuilder().decayExcitation(true).epochs(16).build(),
                Recipe.fromJson(o.get("recipe")));
        JsonObject net = o.getAsJsonObject("network");
        assertEquals("cifar_resnet", net.get("family").getAsString());
        assertEquals(56, net.get("depth").getAsInt());
        assertEquals(9, net.get("blocksPerStage").getAsInt());
        assertEquals("[16,32,64]", net.get("widths").toString());
        assertEquals("{\"reduction\":16,\"minHidden\":8}", net.get("se").toString());
        assertNull(net.get("sk"));
        JsonObject sk = JsonParser.parseString(CliSupport.run("train", "--model", "sk_resnet20", "--print-recipe",
                "--json").out()).getAsJsonObject().getAsJsonObject("network");
        assertEquals("{\"kernels\":[3,5],\"dilated\":true,\"reduction\":16,\"minHidden\":32}",
                sk.get("sk").toString());
        assertNull(sk.get("se"));

        String err = CliSupport.fails("train", "--model", "resnet20", "--json");
        assertEquals(1, err.lines().count(), err);
        CliSupport.assertMentions(err, "--json: only with --print-recipe");
    }

    @Test
    void aNamedRecipeAndItsWeightDecayCanBeChosen() {
        CliSupport.Result r = CliSupport.run("train", "--model", "resnet20", "--recipe", "he2016",
                "--weight-decay", "5e-4", "--print-recipe");
        assertEquals(0, r.status(), r.err());
        assertEquals(Architectures.recipe("resnet20", "he2016").toBuilder().weightDecay(5e-4f).build().toString(),
                r.out().strip());
        CliSupport.Result bad = CliSupport.run("train", "--model", "resnet20", "--recipe", "quick", "--print-recipe");
        assertNotEquals(0, bad.status());
        assertTrue(bad.err().contains("unknown recipe 'quick'") && bad.err().contains("fast"), bad.err());
        // The short recipe is the 20-layer networks' only.
        CliSupport.Result deep = CliSupport.run("train", "--model", "se_resnet56", "--recipe", "fast", "--print-recipe");
        assertNotEquals(0, deep.status());
        assertTrue(deep.err().contains("unknown recipe 'fast'"), deep.err());
        CliSupport.Result fast = CliSupport.run("train", "--model", "se_resnet20", "--recipe", "fast", "--ema", "0",
                "--print-recipe");
        assertEquals(Architectures.recipe("se_resnet20", "fast").toBuilder().ema(0f).build().toString(), fast.out().strip());
    }
}
