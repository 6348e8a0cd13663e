package io.github.attentionzoo.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Selective Kernel convolution (Li et al., 2019): <b>split</b> the input into branches with
 * different receptive fields (conv + BN + ReLU each), <b>fuse</b> them by summing and global
 * average pooling into a compact vector z of width d = max(L, C/r), and <b>select</b> with one
 * linear layer per branch and a softmax across branches, so each channel's branch weights sum to
 * one. The output is the weighted sum of the branches.
 *
 * <p>With a stride and a different output width it replaces a 3×3 convolution in a residual block.
 * Child names ({@code convs<i>}, {@code fc}, {@code fcs<i>}) follow the PyTorch {@code
 * SKAttention} layout ({@code convs.i.conv/bn}, {@code fc}, {@code fcs.i}).
 */
public class SelectiveKernel extends NchwBlock {

    private static final byte VERSION = 1;

    /** L, the smallest width of the fused vector z unless a builder sets another: the SK paper's 32. */
    public static final int DEFAULT_MIN_HIDDEN = 32;

    private final int channels;
    private final int hidden;
    private final int[] kernels;
    private final List<Block> branches = new ArrayList<>();
    private final Linear fc;
    private final BatchNorm fcNorm;
    private final List<Linear> fcs = new ArrayList<>();

    SelectiveKernel(Builder b) {
        super(VERSION, "SelectiveKernel", b.inChannels > 0 ? b.inChannels : b.channels);
        channels = b.channels;
        kernels = b.kernels.clone();
        hidden = Math.max(b.minHidden, channels / b.reduction);
        for (int i = 0; i < kernels.length; i++) {
            int k = kernels[i];
            ConvBnAct unit = ConvBnAct.of(channels).stride(b.stride).groups(b.groups).bias(b.convBias);
            if (b.dilated && k > 3) {
                // A 3×3 kernel dilated by (k - 1) / 2 sees what a k×k kernel sees, at 3×3's cost.
                unit.kernel(3).dilation((k - 1) / 2);
            } else {
                unit.kernel(k);
            }
            branches.add(addChildBlock("convs" + i, unit.build()));
        }
        fc = addChildBlock("fc", Linear.builder().setUnits(hidden).optBias(!b.fuseNormAct).build());
        fcNorm = b.fuseNormAct ? addChildBlock("fcNorm", ConvBnAct.batchNorm()) : null;
        for (int i = 0; i < kernels.length; i++) {
            fcs.add(addChildBlock("fcs" + i, Linear.builder().setUnits(channels).build()));
        }
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the width d of the fused vector z.
     *
     * @return max(L, C / r)
     */
    public int getHidden() {
        return hidden;
    }

    /**
     * Returns the branches' kernel sizes.
     *
     * @return a copy of the kernel sizes
     */
    public int[] getKernels() {
        return kernels.clone();
    }

    /**
     * Runs the branches and returns their outputs with the selection weights.
     *
     * @param ps the parameter store
     * @param x the NCHW input
     * @param training whether in training mode
     * @param params forward parameters, passed to the branches
     * @return the stacked branch outputs [N, K, C, H', W'] then the weights [N, K, C]
     */
    public NDList branchesAndWeights(
            ParameterStore ps, NDArray x, boolean training, PairList<String, Object> params) {
        NDList outs = new NDList(branches.size());
        for (Block branch : branches) {
            outs.add(branch.forward(ps, new NDList(x), training, params).head());
        }
        NDArray u = outs.size() == 1 ? outs.head() : NDArrays.add(outs.toArray(new NDArray[0]));
        NDArray z = fc.forward(ps, new NDList(Pool.globalAvgPool2d(u)), training).head();
        if (fcNorm != null) {
            z = Activation.relu(fcNorm.forward(ps, new NDList(z), training).head());
        }
        NDList logits = new NDList(fcs.size());
        for (Linear select : fcs) {
            logits.add(select.forward(ps, new NDList(z), training).head());
        }
        NDArray weights = NDArrays.stack(logits, 1).softmax(1);
        return new NDList(NDArrays.stack(outs, 1), weights);
    }

    /** {@inheritDoc} */
    @Override
    protected NDArray forward(
            ParameterStore parameterStore, NDArray x, boolean training, PairList<String, Object> params) {
        NDList bw = branchesAndWeights(parameterStore, x, training, params);
        NDArray feats = bw.get(0);
        NDArray weights = bw.get(1);
        AttentionRecorder recorder = AttentionRecorder.active();
        if (recorder != null) {
            recorder.recordBranchWeights(weights);
        }
        Shape w = weights.getShape();
        return feats.mul(weights.reshape(w.get(0), w.get(1), w.get(2), 1, 1)).sum(new int[] {1});
    }

    /** {@inheritDoc} */
    @Override
    protected Shape outputShape(Shape input) {
        return branches.get(0).getOutputShapes(new Shape[] {input})[0];
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildren(NDManager manager, DataType dataType, Shape input) {
        for (Block branch : branches) {
            branch.initialize(manager, dataType, input);
        }
        long n = input.get(0);
        fc.initialize(manager, dataType, new Shape(n, channels));
        if (fcNorm != null) {
            fcNorm.initialize(manager, dataType, new Shape(n, hidden));
        }
        for (Linear select : fcs) {
            select.initialize(manager, dataType, new Shape(n, hidden));
        }
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "SelectiveKernel(" + getInChannels() + " -> " + channels + ", kernels "
                + Arrays.toString(kernels) + ", d " + hidden + ")";
    }

    /** Builds a {@link SelectiveKernel}. */
    public static final class Builder extends AttentionBuilder<Builder> {
        private int inChannels;
        private int[] kernels = {3, 5};
        private int stride = 1;
        private int groups = 1;
        private boolean dilated;
        private boolean convBias;
        private boolean fuseNormAct = true;

        Builder() {
            super(DEFAULT_MIN_HIDDEN);
        }

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the number of input channels (default: the output channels).
         *
         * @param inChannels the input channels
         * @return this builder
         */
        public Builder optInChannels(int inChannels) {
            this.inChannels = inChannels;
            return this;
        }

        /**
         * Sets the branches' kernel sizes, odd numbers (default [3, 5]; the seed used [1, 3, 5, 7]).
         *
         * @param kernels the kernel sizes, one branch each
         * @return this builder
         */
        public Builder optKernels(int... kernels) {
            this.kernels = kernels.clone();
            return this;
        }

        /**
         * Sets the stride of every branch (default 1), to replace a strided 3×3 convolution.
         *
         * @param stride the stride
         * @return this builder
         */
        public Builder optStride(int stride) {
            this.stride = stride;
            return this;
        }

        /**
         * Sets the groups of the branch convolutions (default 1; the paper's ResNeXt uses 32).
         *
         * @param groups the groups
         * @return this builder
         */
        public Builder optGroups(int groups) {
            this.groups = groups;
            return this;
        }

        /**
         * Replaces each kernel larger than 3 by a dilated 3×3 of the same reach, as the SK paper.
         *
         * @param dilated whether to use dilated 3×3 kernels
         * @return this builder
         */
        public Builder optDilated(boolean dilated) {
            this.dilated = dilated;
            return this;
        }

        /**
         * Gives the branch convolutions a bias (default off; on for the seed's SKAttention).
         *
         * @param convBias whether branch convolutions have a bias
         * @return this builder
         */
        public Builder optConvBias(boolean convBias) {
            this.convBias = convBias;
            return this;
        }

        /**
         * Follows the fuse layer with BatchNorm and ReLU as the paper (default on); off gives
         * the seed's plain linear layer with a bias.
         *
         * @param fuseNormAct whether z = ReLU(BN(fc(s))) rather than fc(s)
         * @return this builder
         */
        public Builder optFuseNormAct(boolean fuseNormAct) {
            this.fuseNormAct = fuseNormAct;
            return this;
        }

        /**
         * Builds the layer.
         *
         * @return the layer
         * @throws IllegalArgumentException when an option is out of range
         */
        public SelectiveKernel build() {
            checkWidths("SelectiveKernel");
            if (kernels.length == 0) {
                throw new IllegalArgumentException("SelectiveKernel needs at least one kernel size");
            }
            for (int k : kernels) {
                if (k <= 0 || k % 2 == 0) {
                    throw new IllegalArgumentException(
                            "kernel sizes must be odd and positive, got " + Arrays.toString(kernels));
                }
            }
            if (stride <= 0) {
                throw new IllegalArgumentException("SelectiveKernel stride must be positive, got " + stride);
            }
            int in = inChannels > 0 ? inChannels : channels;
            if (groups <= 0 || in % groups != 0 || channels % groups != 0) {
                throw new IllegalArgumentException(
                        "groups (" + groups + ") must divide input (" + in + ") and output ("
                                + channels + ") channels");
            }
            return new SelectiveKernel(this);
        }
    }
}
