package io.github.attentionzoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void aNamedRecipeAndItsWeightDecayCanBeChosen() {
        CliSupport.Result r = CliSupport.run("train", "--model", "resnet20", "--recipe", "he2016",
                "--weight-decay", "5e-4", "--print-recipe");
        assertEquals(0, r.status(), r.err());
        assertEquals(Architectures.recipe("resnet20", "he2016").toBuilder().weightDecay(5e-4f).build().toString(),
                r.out().strip());
        CliSupport.Result bad = CliSupport.run("train", "--model", "resnet20", "--recipe", "fast", "--print-recipe");
        assertNotEquals(0, bad.status());
        assertTrue(bad.err().contains("unknown recipe 'fast'"), bad.err());
    }
}
