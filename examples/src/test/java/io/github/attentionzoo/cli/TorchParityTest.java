package io.github.attentionzoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.github.attentionzoo.interop.Npy;
import io.github.attentionzoo.interop.TorchStateDict;
import io.github.attentionzoo.nn.Attention;
import io.github.attentionzoo.nn.BasicBlock;
import io.github.attentionzoo.nn.SelectiveKernel;
import io.github.attentionzoo.nn.Squeeze;
import io.github.attentionzoo.nn.SqueezeExcitation;
import io.github.attentionzoo.zoo.arch.TorchNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Outputs after importing PyTorch weights equal PyTorch's own (eval mode), within 1e-4. The
 * fixtures come from src/test/resources/torch/make_fixtures.py (Debian's python3-torch 1.13).
 */
class TorchParityTest {

    static final Path FIXTURES = Path.of("src/test/resources/torch");
    private static final float TOLERANCE = 1e-4f;

    private static float maxDiff(NDArray a, NDArray b) {
        assertEquals(b.getShape(), a.getShape());
        return a.sub(b).abs().max().getFloat();
    }

    @ParameterizedTest
    @CsvSource({"simple_cnn, simple_cnn, npz", "simple_cnn_seed, simple_cnn, npz", "se_resnet20, se_resnet20, npz",
        "se_resnet32, se_resnet32, safetensors", "se_resnet56, se_resnet56, npz", "sk_resnet20, sk_resnet20, npz"})
    void importedModelsGivePyTorchsLogits(String fixture, String model, String format, @TempDir Path dir)
            throws Exception {
        Path modelDir = dir.resolve("model");
        CliSupport.Result imported = CliSupport.run("import-torch", "--model", model,
                "--state-dict", FIXTURES.resolve(fixture + "." + format).toString(), "--output", modelDir.toString());
        assertEquals(0, imported.status(), imported.err());
        Path out = dir.resolve("out.npy");
        CliSupport.Result inferred = CliSupport.run("infer", "--model-dir", modelDir.toString(),
                "--input", FIXTURES.resolve(fixture + ".input.npy").toString(), "--output", out.toString());
        assertEquals(0, inferred.status(), inferred.err());
        try (NDManager manager = NDManager.newBaseManager()) {
            float diff = maxDiff(Npy.read(manager, out), Npy.read(manager, FIXTURES.resolve(fixture + ".output.npy")));
            assertTrue(diff <= TOLERANCE, fixture + ": max |DJL - PyTorch| = " + diff);
        }
        assertTrue(Files.isRegularFile(modelDir.resolve("serving.properties")));
    }

    private static float layerDiff(String fixture, Block block, Shape input, List<String> names) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            block.initialize(manager, DataType.FLOAT32, input);
            TorchStateDict.read(manager, FIXTURES.resolve(fixture + ".npz")).loadInto(block, names);
            NDArray x = Npy.read(manager, FIXTURES.resolve(fixture + ".input.npy"));
            NDArray y = block.forward(new ParameterStore(manager, false), new NDList(x), false).head();
            return maxDiff(y, Npy.read(manager, FIXTURES.resolve(fixture + ".output.npy")));
        }
    }

    @Test
    void seLayerMatchesSenetPytorchSelayer() throws Exception {
        Block se = SqueezeExcitation.builder().setChannels(32).optMinHidden(1).build();
        assertTrue(layerDiff("se_layer", se, new Shape(2, 32, 6, 6),
                TorchNames.squeezeExcitation("", false)) <= TOLERANCE);
    }

    @ParameterizedTest
    @CsvSource({"se_block_avg, AVG", "se_block_max, MAX"})
    void seLayerMatchesSeBlockWithItsPoolingMode(String fixture, Squeeze squeeze) throws Exception {
        Block se = SqueezeExcitation.builder().setChannels(32).optReduction(4).optMinHidden(1).optSqueeze(squeeze).build();
        float diff = layerDiff(fixture, se, new Shape(2, 32, 6, 6),
                TorchNames.squeezeExcitation("", false, TorchNames.SeNames.FC_LAYERS));
        assertTrue(diff <= TOLERANCE, fixture + ": max |DJL - PyTorch| = " + diff);
    }

    @Test
    void seBasicBlockMatchesCifarSeBasicBlock() throws Exception {
        Block block = BasicBlock.builder().optAttention(Attention.SE).setInChannels(16).setChannels(32).optStride(2).optSeMinHidden(1).build();
        assertTrue(layerDiff("se_basic_block", block, new Shape(2, 16, 8, 8),
                TorchNames.basicBlock("", true, true)) <= TOLERANCE);
    }

    @Test
    void selectiveKernelMatchesTheSeedsSkAttention() throws Exception {
        Block sk = SelectiveKernel.builder().setChannels(32).optKernels(1, 3, 5, 7)
                .optConvBias(true).optFuseNormAct(false).build();
        assertTrue(layerDiff("sk_attention", sk, new Shape(2, 32, 6, 6), TorchNames.selectiveKernel("", 4))
                <= TOLERANCE);
    }

    @Test
    void exportTorchWritesAStateDictThatImportsBackUnchanged(@TempDir Path dir) throws Exception {
        Path model = CliSupport.importedSeResNet20(dir);
        Path npz = dir.resolve("state_dict.npz");
        CliSupport.Result r = CliSupport.run("export-torch", "--model-dir", model.toString(), "--output", npz.toString());
        assertEquals(0, r.status(), r.err());
        try (NDManager manager = NDManager.newBaseManager()) {
            TorchStateDict original = TorchStateDict.read(manager, FIXTURES.resolve("se_resnet20.npz"));
            TorchStateDict exported = TorchStateDict.read(manager, npz);
            for (String name : original.names()) {
                if (!name.endsWith("num_batches_tracked")) {
                    assertEquals(0f, maxDiff(exported.get(name), original.get(name)), name);
                }
            }
        }
    }

    @Test
    void wrongDepthNamesTheTensorsAndWritesNothing(@TempDir Path dir) {
        Path out = dir.resolve("model");
        CliSupport.Result r = CliSupport.run("import-torch", "--model", "se_resnet20",
                "--state-dict", FIXTURES.resolve("se_resnet56.npz").toString(), "--output", out.toString());
        assertNotEquals(0, r.status());
        assertTrue(r.err().contains("unexpected tensor 'layer1.3.conv1.weight'"), r.err());
        assertTrue(Files.notExists(out), "never a half-written model directory");
    }

    /** Errors name the tensors of the layout the file follows (SELayer's or the seed's names), nothing else. */
    @ParameterizedTest
    @CsvSource({"simple_cnn, se.fc.2.weight, se1.", "simple_cnn_seed, se1.fc2.weight, se.fc"})
    void missingAndMisShapedTensorsAreNamed(String fixture, String seTensor, String otherLayout, @TempDir Path dir)
            throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            TorchStateDict full = TorchStateDict.read(manager, FIXTURES.resolve(fixture + ".npz"));
            NDList partial = new NDList();
            for (String name : full.names()) {
                NDArray a = full.get(name);
                if (name.equals("fc.bias") || name.equals(seTensor)) {
                    continue;
                }
                if (name.equals("conv1.weight")) {
                    a = manager.zeros(new Shape(64, 3, 5, 5));
                }
                a.setName(name);
                partial.add(a);
            }
            Path file = dir.resolve("broken.npz");
            Files.write(file, partial.encode(NDList.Encoding.NPZ));
            CliSupport.Result r = CliSupport.run("import-torch", "--model", "simple_cnn",
                    "--state-dict", file.toString(), "--output", dir.resolve("m").toString());
            assertNotEquals(0, r.status());
            assertTrue(r.err().contains("missing tensor 'fc.bias'"), r.err());
            assertTrue(r.err().contains("missing tensor '" + seTensor + "'"), r.err());
            assertTrue(r.err().contains("tensor 'conv1.weight' has shape (64, 3, 5, 5), expected (64, 3, 3, 3)"), r.err());
            assertTrue(!r.err().contains(otherLayout), r.err());
            assertTrue(Files.notExists(dir.resolve("m")), "nothing written");
        }
    }
}
