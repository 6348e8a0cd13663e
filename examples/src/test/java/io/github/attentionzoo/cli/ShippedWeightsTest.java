package io.github.attentionzoo.cli;

import io.github.attentionzoo.zoo.Architectures;
import io.github.attentionzoo.zoo.ModelMetadata;
import io.github.attentionzoo.zoo.PretrainedStore;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every shipped weight file reaches, on the full CIFAR-10 test set, the accuracy its metadata
 * states. Needs ../shared/cifar10; skipped where it is absent.
 */
class ShippedWeightsTest {

    @Test
    void shippedWeightsReachTheirStatedAccuracy() throws Exception {
        Path cifar = Path.of(System.getProperty("attentionzoo.shared.dir", "../shared"), "cifar10");
        assumeTrue(Files.isRegularFile(cifar.resolve("test_batch.bin")), "full CIFAR-10 not present: " + cifar);
        int checked = 0;
        for (String name : Architectures.names()) {
            ModelMetadata shipped = PretrainedStore.shippedMetadata(name);
            if (shipped == null) {
                continue;
            }
            CliSupport.Result r = CliSupport.run("evaluate", "--model", name, "--data", cifar.toString());
            assertEquals(0, r.status(), r.err());
            String expected = String.format(Locale.ROOT, "accuracy: %.4f", shipped.testAccuracy);
            assertTrue(r.out().contains(expected), name + ": expected " + expected + " in\n" + r.out());
            checked++;
        }
        assertTrue(checked > 0, "at least one model ships weights");
    }
}
