package io.github.attentionzoo.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.attentionzoo.nn.AttentionRecorder;
import io.github.attentionzoo.zoo.Architectures;
import io.github.attentionzoo.zoo.ModelArtifacts;
import org.junit.jupiter.api.Test;

import java.util.List;

@SuppressWarnings("try") // recorder scopes are held for their side effect, not read
class ExplainTest {

    private static Model model(String name) {
        Model model = Model.newInstance(name);
        model.setBlock(Architectures.build(name, null));
        ModelArtifacts.initialize(model, 32);
        return model;
    }

    private static float[] forward(Model model, NDArray x) {
        return model.getBlock().forward(new ParameterStore(model.getNDManager(), false), new NDList(x), false)
                .head().toFloatArray();
    }

    @Test
    void recordingLeavesOutputsUnchangedAndGatesLieInZeroOne() {
        try (Model model = model("se_resnet20"); NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.randomNormal(new Shape(3, 3, 32, 32));
            float[] plain = forward(model, x);
            AttentionRecorder recorder = new AttentionRecorder();
            float[] recorded;
            try (AttentionRecorder.Scope scope = recorder.activate()) {
                recorded = forward(model, x);
            }
            assertArrayEquals(plain, recorded, 0f);
            List<AttentionRecorder.Record> gates = recorder.getRecords();
            assertEquals(9, gates.size(), "one record per SE block");
            int[] widths = {16, 16, 16, 32, 32, 32, 64, 64, 64};
            for (int i = 0; i < gates.size(); i++) {
                AttentionRecorder.Record r = gates.get(i);
                assertEquals("se", r.getKind());
                assertArrayEquals(new long[] {3, widths[i]}, r.getShape());
                // Sigmoid gates lie in (0, 1); in float32 a large logit rounds to exactly 1.
                int inside = 0;
                for (float g : r.getValues()) {
                    assertTrue(g >= 0f && g <= 1f, "gate " + g);
                    inside += g > 0f && g < 1f ? 1 : 0;
                }
                assertTrue(inside > 0, "not every gate saturated");
            }
            // Outside the scope nothing is recorded.
            forward(model, x);
            assertEquals(9, recorder.getRecords().size());
        }
    }

    @Test
    void skBranchWeightsSumToOnePerChannel() {
        try (Model model = model("sk_resnet20"); NDManager manager = NDManager.newBaseManager()) {
            AttentionRecorder recorder = new AttentionRecorder();
            try (AttentionRecorder.Scope scope = recorder.activate()) {
                forward(model, manager.randomNormal(new Shape(2, 3, 32, 32)));
            }
            List<AttentionRecorder.Record> sk = recorder.getRecords();
            assertEquals(9, sk.size());
            for (AttentionRecorder.Record r : sk) {
                long[] s = r.getShape();
                assertEquals(2, s[1], "two branches");
                float[] v = r.getValues();
                int c = (int) s[2];
                for (int n = 0; n < s[0]; n++) {
                    for (int ch = 0; ch < c; ch++) {
                        float sum = v[(int) (n * s[1] * c) + ch] + v[(int) (n * s[1] * c) + c + ch];
                        assertEquals(1f, sum, 1e-5f);
                    }
                }
            }
        }
    }
}
