package io.github.attentionzoo.cli;

import io.github.attentionzoo.train.Recipe;
import io.github.attentionzoo.zoo.Architectures;
import io.github.attentionzoo.zoo.ModelMetadata;
import io.github.attentionzoo.zoo.PretrainedStore;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every shipped weight file reaches, on the full CIFAR-10 test set, the accuracy its metadata
 * states, and every shipped attention network beats its shipped plain twin trained alike. Needs
 * ../shared/cifar10 (the official binary files); skipped where it is absent.
 */
class ShippedWeightsTest {

    /**
     * Three of the 10,000 images. The engine picks its convolution kernels by the CPU's vector
     * instructions, so rounding differs between machines and an image on the decision boundary can
     * flip: resnet20 once gave 0.8825 on one machine and 0.8826 on an AVX-512 one. A wrong
     * weight, layout or BatchNorm fold moves accuracy by far more.
     */
    private static final double TOLERANCE = 3e-4 + 1e-9;

    private static final Pattern ACCURACY = Pattern.compile("(?m)^accuracy: ([0-9.]+)$");

    @Test
    void shippedWeightsReachTheirStatedAccuracy() throws Exception {
        Path cifar = Path.of(System.getProperty("attentionzoo.shared.dir", "../shared"), "cifar10");
        assumeTrue(Files.isRegularFile(cifar.resolve("test_batch.bin")), "full CIFAR-10 not present: " + cifar);
        Map<String, Double> measuredByName = new HashMap<>();
        Map<String, ModelMetadata> metadataByName = new HashMap<>();
        for (String name : Architectures.names()) {
            ModelMetadata shipped = PretrainedStore.shippedMetadata(name);
            if (shipped == null) {
                continue;
            }
            CliSupport.Result r = CliSupport.run("evaluate", "--model", name, "--data", cifar.toString());
            assertEquals(0, r.status(), r.err());
            Matcher m = ACCURACY.matcher(r.out());
            assertTrue(m.find(), name + ": no accuracy line in\n" + r.out());
            double measured = Double.parseDouble(m.group(1));
            assertEquals(shipped.testAccuracy, measured, TOLERANCE, String.format(Locale.ROOT,
                    "%s: metadata states %.4f, evaluate gave %.4f%n%s", name, shipped.testAccuracy, measured, r.out()));
            measuredByName.put(name, measured);
            metadataByName.put(name, shipped);
        }
        assertTrue(!measuredByName.isEmpty(), "at least one model ships weights");
        int compared = 0;
        for (Map.Entry<String, Double> e : measuredByName.entrySet()) {
            String twin = Architectures.plainTwin(e.getKey());
            if (twin == null || !measuredByName.containsKey(twin)
                    || !sameTraining(metadataByName.get(e.getKey()), metadataByName.get(twin))) {
                continue;
            }
            compared++;
            assertTrue(e.getValue() > measuredByName.get(twin), String.format(Locale.ROOT,
                    "%s (%.4f) does not beat its plain twin %s (%.4f)", e.getKey(), e.getValue(), twin,
                    measuredByName.get(twin)));
        }
        assertTrue(compared > 0, "no shipped SE or SK model shares its plain twin's recipe and data");
    }

    @Test
    void twinsAreComparedOnlyWhenTrainedAlike() {
        Recipe zoo = Recipe.forModel("se_resnet20");
        ModelMetadata plain = metadata(zoo.toString(), "CIFAR-10 from ../shared/cifar10");
        assertTrue(sameTraining(metadata(zoo.toString(), plain.dataset), plain));
        assertTrue(sameTraining(metadata(zoo.withExcitationDecay(false).toString(), plain.dataset), plain),
                "SE weights out of decay is the same recipe for a net without them");
        assertTrue(sameTraining(metadata(zoo + "; trained with the Java trainer (training/queue.sh)", plain.dataset),
                metadata(zoo + "; trained with the Java trainer (train --resume across sessions)", plain.dataset)),
                "how a run was driven is no difference in the recipe");
        assertFalse(sameTraining(metadata(zoo.with(120, null, null, null).toString(), plain.dataset), plain));
        assertFalse(sameTraining(metadata(zoo.with(120, null, null, null) + "; trained with the Java trainer",
                plain.dataset), plain));
        assertFalse(sameTraining(metadata(zoo.toString(), "an earlier JPEG-decoded copy"), plain));
    }

    private static ModelMetadata metadata(String recipe, String dataset) {
        ModelMetadata m = new ModelMetadata();
        m.recipe = recipe;
        m.dataset = dataset;
        return m;
    }

    /**
     * Tells whether two shipped models were trained alike, so that comparing them says something
     * about attention: the same recipe on the same data. Keeping SE weights out of decay is no
     * difference for a twin that has none, and neither is the note on how the run was driven that
     * training/ship.sh appends after "; ". While the zoo is retrained, a model of the new recipe
     * and an older one are not compared.
     */
    static boolean sameTraining(ModelMetadata attention, ModelMetadata plain) {
        return recipeProper(attention.recipe).replace(Recipe.NO_EXCITATION_DECAY, "")
                .equals(recipeProper(plain.recipe)) && attention.dataset.equals(plain.dataset);
    }

    /** The recipe as {@code --print-recipe} states it, without ship.sh's note. */
    private static String recipeProper(String recipe) {
        int note = recipe.indexOf("; ");
        return note < 0 ? recipe : recipe.substring(0, note);
    }
}
