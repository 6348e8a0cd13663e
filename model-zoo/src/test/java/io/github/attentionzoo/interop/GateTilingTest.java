package io.github.attentionzoo.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.github.attentionzoo.blockkinds.OnnxGraph;
import io.github.attentionzoo.blockkinds.OnnxGraph.Node;
import io.github.attentionzoo.blockkinds.OnnxGraph.Tensor;
import io.github.attentionzoo.zoo.Architectures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/** The int8 writer's SE gate tiling changes the graph's shape of work, never its result. */
class GateTilingTest {

    /**
     * DJL's engine creates ONNX Runtime's environment with its thread pool: it must come first,
     * since test classes share JVMs and a default environment made here would break DJL's later.
     */
    @BeforeAll
    static void engine() {
        Engine.getEngine("OnnxRuntime");
    }

    @Test
    void tiledGatesGiveTheSameLogitsAsUntiledOnes() throws Exception {
        try (Model model = Model.newInstance("se_resnet20", "PyTorch")) {
            Block block = Architectures.build("se_resnet20", null);
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3, 32, 32));
            OnnxExportTest.randomizeBatchNorms(block, 5);
            Shape input = new Shape(3, 32, 32);
            byte[] plain = OnnxExport.encode(OnnxExport.trace(block, input), Map.of(), List.of()).toByteArray();

            OnnxGraph graph = OnnxExport.trace(block, input);
            Set<Node> multiplies = graph.nodes().stream().filter(n -> n.op.equals("Mul")).collect(Collectors.toSet());
            assertEquals(9, GateTiling.apply(graph, multiplies), "one gate per SE block");
            // Each stage's gates span its width: 32, 16 and 8 pixels for 16, 32 and 64 channels.
            List<List<Long>> shapes = new ArrayList<>();
            for (Node n : graph.nodes()) {
                if (n.op.equals("Reshape")) {
                    shapes.add(int64s(graph, n.inputs.get(1)));
                }
            }
            assertEquals(List.of(0L, 16L, 1L, 32L), shapes.get(0));
            assertEquals(List.of(0L, 32L, 1L, 16L), shapes.get(3));
            assertEquals(List.of(0L, 64L, 1L, 8L), shapes.get(8));
            assertTrue(graph.nodes().stream().noneMatch(n -> n.op.equals("Unsqueeze")));
            byte[] tiled = OnnxExport.encode(graph, Map.of(), List.of()).toByteArray();

            float[] images = new float[5 * 3 * 32 * 32];
            Random rng = new Random(3);
            for (int i = 0; i < images.length; i++) {
                images[i] = (float) rng.nextGaussian();
            }
            float[] expected = run(plain, images);
            float[] actual = run(tiled, images);
            // The same dot products in another order of rows: equal up to float rounding.
            assertArrayEquals(expected, actual, 1e-4f);
        }
    }

    @Test
    void aGateReadElsewhereIsLeftAlone() {
        try (Model model = Model.newInstance("se_resnet20", "PyTorch")) {
            Block block = Architectures.build("se_resnet20", null);
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3, 32, 32));
            OnnxGraph graph = OnnxExport.trace(block, new Shape(3, 32, 32));
            Node first = graph.nodes().stream().filter(n -> n.op.equals("Unsqueeze")).findFirst().orElseThrow();
            // A second reader of the gate (as a recorder of gates would be): the gate must stay as it is.
            graph.nodes().add(new Node("Identity", "extra", List.of(first.outputs.get(0)), List.of("extra_out")));
            Set<Node> multiplies = graph.nodes().stream().filter(n -> n.op.equals("Mul")).collect(Collectors.toSet());
            assertEquals(8, GateTiling.apply(graph, multiplies));
            assertTrue(graph.nodes().contains(first));
        }
    }

    private static float[] run(byte[] onnx, float[] images) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(onnx, options);
                OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(images), new long[] {5, 3, 32, 32});
                OrtSession.Result out = session.run(Map.of(OnnxExport.INPUT, in))) {
            float[][] logits = (float[][]) out.get(0).getValue();
            float[] flat = new float[logits.length * logits[0].length];
            for (int i = 0; i < logits.length; i++) {
                System.arraycopy(logits[i], 0, flat, i * logits[0].length, logits[0].length);
            }
            return flat;
        }
    }

    private static List<Long> int64s(OnnxGraph graph, String name) {
        Tensor t = graph.initializers().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        ByteBuffer buf = ByteBuffer.wrap(t.raw()).order(ByteOrder.LITTLE_ENDIAN);
        List<Long> values = new ArrayList<>();
        while (buf.hasRemaining()) {
            values.add(buf.getLong());
        }
        return values;
    }
}
