package io.github.attentionzoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.attentionzoo.zoo.Architectures;
import io.github.attentionzoo.zoo.ModelMetadata;
import io.github.attentionzoo.zoo.PretrainedStore;
import io.github.attentionzoo.zoo.Recipe;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every shipped weight file reaches, on the full CIFAR-10 test set, the accuracy its metadata
 * states, and every shipped attention network beats its shipped plain twin trained alike. Needs
 * ../shared/cifar10 (the official binary files); skipped where it is absent.
 */
@Tag("full")
class ShippedWeightsTest {

    /**
     * Three of the 10,000 images. The engine picks its convolution kernels by the CPU's vector
     * instructions, so rounding differs between machines and an image on the decision boundary can
     * flip: resnet20 once gave 0.8825 on one machine and 0.8826 on an AVX-512 one. A wrong
     * weight, layout or BatchNorm fold moves accuracy by far more.
     */
    private static final double TOLERANCE = 3e-4 + 1e-9;

    private static final Pattern ACCURACY = Pattern.compile("(?m)^accuracy: ([0-9.]+)$");

    /**
     * The shipped int8 models' accuracy on the 10,000 test images on ONNX Runtime, as measured
     * (the README's int8 column), beside the fp32 figures their metadata states.
     */
    static final Map<String, Double> INT8_ACCURACY = Map.of(
            "simple_cnn", 0.7173,
            "resnet20", 0.9315,
            "se_resnet20", 0.9338,
            "sk_resnet20", 0.9433,
            "resnet56", 0.9489,
            "se_resnet56", 0.9487);

    /** How much int8 may lose against fp32: 0.3 points for the ResNets, 0.5 for simple_cnn. */
    static double int8Budget(String name) {
        return name.equals("simple_cnn") ? 0.005 : 0.003;
    }

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
            // ONNX Runtime runs the shipped .onnx: the same prediction for every image, so the same table.
            CliSupport.Result ort = CliSupport.run("evaluate", "--model", name, "--data", cifar.toString(),
                    "--engine", "OnnxRuntime");
            assertEquals(0, ort.status(), ort.err());
            assertEquals(table(r.out()), table(ort.out()), name + " on ONNX Runtime");
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
    void shippedInt8ModelsStayWithinTheirBudget() throws Exception {
        Path cifar = Path.of(System.getProperty("attentionzoo.shared.dir", "../shared"), "cifar10");
        assumeTrue(Files.isRegularFile(cifar.resolve("test_batch.bin")), "full CIFAR-10 not present: " + cifar);
        int checked = 0;
        for (String name : Architectures.names()) {
            ModelMetadata shipped = PretrainedStore.shippedMetadata(name);
            if (shipped == null) {
                continue;
            }
            Double stated = INT8_ACCURACY.get(name);
            assertTrue(stated != null, name + " ships weights but the int8 table has no row for it");
            assertTrue(stated >= shipped.testAccuracy - int8Budget(name) - 1e-9, String.format(Locale.ROOT,
                    "%s: int8 %.4f loses more than %.1f points against fp32 %.4f", name, stated,
                    100 * int8Budget(name), shipped.testAccuracy));
            CliSupport.Result r = CliSupport.run("evaluate", "--model", name, "--data", cifar.toString(),
                    "--engine", "OnnxRuntime", "--precision", "int8");
            assertEquals(0, r.status(), r.err());
            Matcher m = ACCURACY.matcher(r.out());
            assertTrue(m.find(), name + ": no accuracy line in\n" + r.out());
            assertEquals(stated, Double.parseDouble(m.group(1)), TOLERANCE, name + " in int8\n" + r.out());
            checked++;
        }
        assertTrue(checked > 0, "at least one model ships weights");
    }

    @Test
    void twinsAreComparedOnlyWhenTrainedAlike() {
        Recipe zoo = Architectures.spec("se_resnet20").recipe();
        ModelMetadata plain = metadata(zoo, "CIFAR-10 (the 50,000 official training images)");
        assertTrue(sameTraining(metadata(zoo, plain.dataset), plain));
        assertTrue(sameTraining(metadata(zoo.toBuilder().decayExcitation(false).build(), plain.dataset), plain),
                "SE weights out of decay is the same recipe for a net without them");
        assertFalse(sameTraining(metadata(zoo.toBuilder().epochs(120).build(), plain.dataset), plain));
        assertFalse(sameTraining(metadata(zoo, "an earlier JPEG-decoded copy"), plain));
    }

    private static ModelMetadata metadata(Recipe recipe, String dataset) {
        ModelMetadata m = ModelMetadata.untrained("se_resnet20");
        m.recipe = recipe;
        m.dataset = dataset;
        return m;
    }

    /**
     * Tells whether two shipped models were trained alike, so that comparing them says something
     * about attention: the same recipe on the same data. Keeping SE weights out of decay is no
     * difference for a twin that has none.
     */
    static boolean sameTraining(ModelMetadata attention, ModelMetadata plain) {
        return attention.recipe != null && plain.recipe != null
                && attention.recipe.toBuilder().decayExcitation(true).build().equals(plain.recipe)
                && attention.dataset.equals(plain.dataset);
    }

    /** The confusion table and accuracy of evaluate's output, without the line naming the engine. */
    private static String table(String out) {
        return out.lines().filter(l -> !l.startsWith("evaluated on")).collect(java.util.stream.Collectors.joining("\n"));
    }
}
