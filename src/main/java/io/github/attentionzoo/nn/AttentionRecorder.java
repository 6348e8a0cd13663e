package io.github.attentionzoo.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Collects what the attention layers decided during one forward pass: each SE layer's gates
 * ([N, C]) and each SK layer's branch weights ([N, K, C]), in the order the layers ran.
 *
 * <p>Recording is off unless a recorder is passed in the forward call's parameters (see {@link
 * #attach(PairList)}), so the normal path pays nothing. Recorded arrays are copied to Java
 * arrays at once; nothing keeps an NDArray alive past the pass.
 */
public final class AttentionRecorder {

    /** The key under which a recorder travels in a block's forward parameters. */
    public static final String KEY = "attentionzoo.recorder";

    /** One layer's recorded values. */
    public static final class Record {
        private final String kind;
        private final int index;
        private final long[] shape;
        private final float[] values;

        Record(String kind, int index, long[] shape, float[] values) {
            this.kind = kind;
            this.index = index;
            this.shape = shape;
            this.values = values;
        }

        /**
         * Returns "se" for gates or "sk" for branch weights.
         *
         * @return the layer kind
         */
        public String getKind() {
            return kind;
        }

        /**
         * Returns the position of this layer among layers of its kind, in execution order.
         *
         * @return the 0-based index
         */
        public int getIndex() {
            return index;
        }

        /**
         * Returns the shape: [N, C] for SE, [N, K, C] for SK.
         *
         * @return a copy of the shape
         */
        public long[] getShape() {
            return shape.clone();
        }

        /**
         * Returns the values, row-major in {@link #getShape()}.
         *
         * @return the values (not copied)
         */
        public float[] getValues() {
            return values;
        }
    }

    private final List<Record> records = new ArrayList<>();
    private int seCount;
    private int skCount;

    /**
     * Returns forward parameters that carry this recorder.
     *
     * @param params existing parameters, or null
     * @return the parameters with this recorder added
     */
    public PairList<String, Object> attach(PairList<String, Object> params) {
        PairList<String, Object> out = params == null ? new PairList<>() : params;
        out.add(KEY, this);
        return out;
    }

    /**
     * Finds the recorder in a forward call's parameters.
     *
     * @param params the forward parameters, may be null
     * @return the recorder, or null when recording is off
     */
    public static AttentionRecorder from(PairList<String, Object> params) {
        if (params == null || params.isEmpty()) {
            return null;
        }
        Object value = params.get(KEY);
        return value instanceof AttentionRecorder ? (AttentionRecorder) value : null;
    }

    synchronized void recordGates(NDArray gates) {
        records.add(new Record("se", seCount++, gates.getShape().getShape(), gates.toFloatArray()));
    }

    synchronized void recordBranchWeights(NDArray weights) {
        records.add(
                new Record("sk", skCount++, weights.getShape().getShape(), weights.toFloatArray()));
    }

    /**
     * Returns every record, in execution order.
     *
     * @return an unmodifiable view
     */
    public synchronized List<Record> getRecords() {
        return Collections.unmodifiableList(new ArrayList<>(records));
    }

    /** Forgets what was recorded, so the recorder can serve the next pass. */
    public synchronized void clear() {
        records.clear();
        seCount = 0;
        skCount = 0;
    }
}
