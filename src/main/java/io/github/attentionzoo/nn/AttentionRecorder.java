package io.github.attentionzoo.nn;

import ai.djl.ndarray.NDArray;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Collects what the attention layers decided during one forward pass: each SE layer's gates
 * ([N, C]) and each SK layer's branch weights ([N, K, C]), in the order the layers ran.
 *
 * <p>Recording is off unless a recorder is {@linkplain #activate() active} on the calling thread,
 * so the normal path pays one thread-local read per layer. Recorded arrays are copied to Java
 * arrays at once; nothing keeps an NDArray alive past the pass.
 */
public final class AttentionRecorder {

    /** The {@linkplain Record#getKind() kind} of a Squeeze-and-Excitation layer's gates. */
    public static final String GATES = "se";
    /** The {@linkplain Record#getKind() kind} of a Selective Kernel layer's branch weights. */
    public static final String BRANCH_WEIGHTS = "sk";

    private static final ThreadLocal<AttentionRecorder> ACTIVE = new ThreadLocal<>();

    /** Ends recording on this thread when closed. */
    public interface Scope extends AutoCloseable {
        /** Stops recording; does not throw. */
        @Override
        void close();
    }

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
         * Returns {@value AttentionRecorder#GATES} for gates or {@value AttentionRecorder#BRANCH_WEIGHTS}
         * for branch weights.
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
     * Records what the attention layers compute on this thread until the scope is closed. A
     * thread-local is used because DJL's {@code SequentialBlock} does not pass a forward call's
     * parameters on to its children, so a recorder has to reach the layers another way.
     *
     * @return the scope to close
     */
    public Scope activate() {
        AttentionRecorder previous = ACTIVE.get();
        ACTIVE.set(this);
        return () -> {
            if (previous == null) {
                ACTIVE.remove();
            } else {
                ACTIVE.set(previous);
            }
        };
    }

    /**
     * Returns the recorder active on this thread, or null (the normal case: nothing is recorded).
     *
     * @return the recorder or null
     */
    static AttentionRecorder active() {
        return ACTIVE.get();
    }

    synchronized void recordGates(NDArray gates) {
        records.add(new Record(GATES, seCount++, gates.getShape().getShape(), gates.toFloatArray()));
    }

    synchronized void recordBranchWeights(NDArray weights) {
        records.add(
                new Record(BRANCH_WEIGHTS, skCount++, weights.getShape().getShape(), weights.toFloatArray()));
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
