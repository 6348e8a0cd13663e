package io.github.attentionzoo.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.github.attentionzoo.zoo.arch.CifarResNet;
import io.github.attentionzoo.zoo.arch.ImageNetResNet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

/**
 * Parameter counts against figures computed independently: for the CIFAR ResNets from the paper's
 * layout (3×3 convs, BN γ/β, 1×1 projection shortcuts, SE 2·C·h), for the ImageNet ones from
 * torchvision's published ResNet-18/50 counts plus the SE layers.
 */
class ArchitecturesTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private Block build(String name, Map<String, ?> args, int size) {
        Block block = Architectures.build(name, args);
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 3, size, size));
        return block;
    }

    private static long trainable(Block block) {
        long n = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                n += p.getValue().getArray().size();
            }
        }
        return n;
    }

    /** Trainable parameters of a CIFAR ResNet: stem, 3 stages of n blocks, head. */
    static long cifarResNet(int n, boolean se, int seMinHidden, boolean sk) {
        long p = 3 * 16 * 9 + 32;
        int in = 16;
        for (int stage = 0; stage < 3; stage++) {
            int w = 16 << stage;
            for (int i = 0; i < n; i++) {
                long conv1 = (long) in * w * 9 + 2 * w;
                // SK: two 3×3 branches (one dilated) with BN, fc C→32 + BN(32), two selectors 32→C.
                p += sk ? 2 * conv1 + w * 32L + 64 + 2 * (32L * w + w) : conv1;
                p += (long) w * w * 9 + 2 * w;
                if (se) {
                    p += 2L * w * Math.min(w, Math.max(seMinHidden, w / 16));
                }
                if (in != w) {
                    p += (long) in * w + 2 * w;
                }
                in = w;
            }
        }
        return p + 64 * 10 + 10;
    }

    @ParameterizedTest
    @CsvSource({
        "resnet20, 3, false, false, 272474",
        "resnet56, 9, false, false, 855770",
        "se_resnet20, 3, true, false, 277850",
        "se_resnet32, 5, true, false, 475866",
        "se_resnet56, 9, true, false, 871898",
        "se_resnet110, 18, true, false, 1762970",
        "sk_resnet20, 3, false, true, 428762",
    })
    void cifarResNetsHaveThePapersParameterCount(String name, int n, boolean se, boolean sk, long expected) {
        assertEquals(expected, cifarResNet(n, se, 8, sk), "independent formula");
        Block block = build(name, null, 32);
        assertEquals(expected, trainable(block));
        NDArray y = block.forward(new ParameterStore(manager, false),
                new NDList(manager.randomNormal(new Shape(2, 3, 32, 32))), false).head();
        assertEquals(new Shape(2, 10), y.getShape());
    }

    @Test
    void resNet20IsAboutAQuarterMillionParameters() {
        // He et al. report 0.27 M for ResNet-20 (identity shortcuts); projections add 2,752.
        long n = trainable(build("resnet20", null, 32));
        assertTrue(Math.abs(n - 270_000) < 3_000, "got " + n);
    }

    @Test
    void senetPytorchLayoutUsesPlainReduction() {
        assertEquals(274490, cifarResNet(3, true, 1, false));
        assertEquals(274490, trainable(build("se_resnet20", Map.of("se_min_hidden", "1"), 32)));
    }

    @Test
    void simpleCnnMatchesTheSeed() {
        // conv 3·64·9 + 64, SE 64→4→64 without bias, linear 64·16·16 → 10.
        Block block = build("simple_cnn", null, 32);
        assertEquals(1792 + 512 + 163850, trainable(block));
        NDArray y = block.forward(new ParameterStore(manager, false),
                new NDList(manager.randomNormal(new Shape(3, 3, 32, 32))), false).head();
        assertEquals(new Shape(3, 10), y.getShape());
    }

    @Test
    void imageNetSeResNetsMatchTorchvisionPlusSe() {
        // torchvision resnet50: 25,557,032; SE (no bias) adds Σ 2·C²/16 over 16 blocks.
        long se50 = 3 * 2L * 256 * 256 / 16 + 4 * 2L * 512 * 512 / 16 + 6 * 2L * 1024 * 1024 / 16 + 3 * 2L * 2048 * 2048 / 16;
        assertEquals(25_557_032L + se50, trainable(build("se_resnet50", null, 224)));
        // torchvision resnet18: 11,689,512; SE widths max(8, C/16) = 8, 8, 16, 32.
        long se18 = 2 * (2L * 64 * 8 + 2L * 128 * 8 + 2L * 256 * 16 + 2L * 512 * 32);
        assertEquals(11_689_512L + se18, trainable(build("se_resnet18", null, 224)));
    }

    @Test
    void imageNetPlainResNet50MatchesTorchvision() {
        Block block = io.github.attentionzoo.zoo.arch.ImageNetResNet.builder().setDepth(50).optSe(false).build();
        block.setInitializer(new ai.djl.training.initializer.NormalInitializer(), Parameter.Type.WEIGHT);
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 224, 224));
        assertEquals(25_557_032L, trainable(block));
    }

    @Test
    void numClassesOptionChangesTheHead() {
        Block block = build("se_resnet20", Map.of("num_classes", 100), 32);
        NDArray y = block.forward(new ParameterStore(manager, false),
                new NDList(manager.randomNormal(new Shape(1, 3, 32, 32))), false).head();
        assertEquals(new Shape(1, 100), y.getShape());
        assertEquals(277850 + 64 * 90 + 90, trainable(block));
    }

    @Test
    void cifarResNetsAcceptOtherInputSizes() {
        Block block = build("se_resnet20", null, 48);
        NDArray y = block.forward(new ParameterStore(manager, false),
                new NDList(manager.randomNormal(new Shape(1, 3, 48, 48))), false).head();
        assertEquals(new Shape(1, 10), y.getShape());
    }

    @Test
    void unknownNamesAndBadOptionsAreClearErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Architectures.build("se_resnet21", null));
        assertTrue(e.getMessage().contains("unknown model 'se_resnet21'") && e.getMessage().contains("se_resnet20"),
                e.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> Architectures.build("resnet20", Map.of("num_classes", "ten")));
        assertTrue(bad.getMessage().contains("num_classes"), bad.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> io.github.attentionzoo.zoo.arch.CifarResNet.builder().setDepth(21).build());
        assertThrows(IllegalArgumentException.class,
                () -> io.github.attentionzoo.zoo.arch.ImageNetResNet.builder().setDepth(20).build());
    }

    @Test
    void attentionNetworksNameTheirPlainTwin() {
        assertEquals("resnet20", Architectures.plainTwin("se_resnet20"));
        assertEquals("resnet20", Architectures.plainTwin("sk_resnet20"));
        assertEquals("resnet56", Architectures.plainTwin("se_resnet56"));
        assertNull(Architectures.plainTwin("se_resnet32"), "no resnet32 in the zoo");
        assertNull(Architectures.plainTwin("resnet20"));
        assertNull(Architectures.plainTwin("simple_cnn"));
    }
}
