package io.github.attentionzoo.nn;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.attentionzoo.engine.EngineSetup;

import java.io.DataInputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Conv → BatchNorm (→ ReLU) that, in inference, folds the BatchNorm into the convolution:
 * w' = w·γ/√(σ²+ε), b' = β − μ·γ/√(σ²+ε) (+ b·γ/√(σ²+ε)). One convolution replaces two ops, a
 * speed-up PyTorch eager does not make. Training runs the three blocks as they are.
 *
 * <p>It is a {@link SequentialBlock} with the same children, so parameter names and saved files
 * are exactly those of the plain sequence. The folded weights are cached per device and dropped
 * on every training forward pass (through either of DJL's entry points, with or without labels)
 * and every {@code loadParameters}; code that writes parameter
 * arrays in place after an inference pass must call {@link #invalidate()}.
 */
public final class ConvBnActBlock extends SequentialBlock {

    private final Shape stride;
    private final Shape padding;
    private final Shape dilation;
    private final int groups;
    private final boolean relu;
    private final Map<Device, NDArray[]> folded = new ConcurrentHashMap<>();

    ConvBnActBlock(Conv2d conv, BatchNorm bn, boolean relu, int stride, int padding, int dilation, int groups) {
        add(conv);
        add(bn);
        if (relu) {
            add(Activation.reluBlock());
        }
        this.stride = new Shape(stride, stride);
        this.padding = new Shape(padding, padding);
        this.dilation = new Shape(dilation, dilation);
        this.groups = groups;
        this.relu = relu;
    }

    /**
     * Returns the stride the inference pass convolves with.
     *
     * @return the stride (height, width)
     */
    public Shape getStride() {
        return stride;
    }

    /**
     * Returns the zero padding the inference pass applies on each side.
     *
     * @return the padding (height, width)
     */
    public Shape getPadding() {
        return padding;
    }

    /**
     * Returns the dilation of the convolution.
     *
     * @return the dilation (height, width)
     */
    public Shape getDilation() {
        return dilation;
    }

    /**
     * Returns the number of convolution groups.
     *
     * @return the groups
     */
    public int getGroups() {
        return groups;
    }

    /**
     * Returns whether the unit ends with a ReLU.
     *
     * @return true when activated
     */
    public boolean isRelu() {
        return relu;
    }

    /** Drops the cached folded weights; the next inference pass folds again. */
    public void invalidate() {
        for (NDArray[] arrays : folded.values()) {
            for (NDArray a : arrays) {
                if (a != null) {
                    a.close();
                }
            }
        }
        folded.clear();
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        // Every convolution of the layers passes here, so a network built from them without the zoo's
        // loaders still runs without NNPACK's failing probe (EngineSetup says why).
        EngineSetup.prepare(inputs.head().getManager().getEngine());
        if (training) {
            invalidate();
            return super.forwardInternal(ps, inputs, true, params);
        }
        NDArray x = inputs.singletonOrThrow();
        NDArray[] wb = folded.computeIfAbsent(x.getDevice(), d -> fold(ps, d));
        NDArray y = Conv2d.conv2d(x, wb[0], wb[1], stride, padding, dilation, groups).head();
        return new NDList(relu ? Activation.relu(y) : y);
    }

    /**
     * The entry point of {@code Trainer.forward(data, labels)}, which DJL's SequentialBlock passes
     * down to its direct children: always training, so it must drop the fold as well.
     */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList data, NDList labels, PairList<String, Object> params) {
        EngineSetup.prepare(data.head().getManager().getEngine());
        invalidate();
        return super.forwardInternal(ps, data, labels, params);
    }

    private NDArray[] fold(ParameterStore ps, Device device) {
        PairList<String, Parameter> conv = getChildren().valueAt(0).getParameters();
        PairList<String, Parameter> bn = getChildren().valueAt(1).getParameters();
        NDArray w = ps.getValue(conv.get("weight"), device, false);
        NDArray gamma = ps.getValue(bn.get("gamma"), device, false);
        NDArray beta = ps.getValue(bn.get("beta"), device, false);
        NDArray mean = ps.getValue(bn.get("runningMean"), device, false);
        NDArray var = ps.getValue(bn.get("runningVar"), device, false);
        // Work on copies in a scratch manager; only the two results stay, detached into the cache.
        try (NDManager scratch = w.getManager().newSubManager()) {
            NDArray scale = local(gamma, scratch).div(local(var, scratch).add(ConvBnAct.BN_EPSILON).sqrt());
            NDArray weight = local(w, scratch).mul(scale.reshape(-1, 1, 1, 1));
            NDArray bias = local(beta, scratch).sub(local(mean, scratch).mul(scale));
            Parameter convBias = conv.get("bias");
            if (convBias != null) {
                bias = bias.add(local(ps.getValue(convBias, device, false), scratch).mul(scale));
            }
            weight.detach();
            bias.detach();
            return new NDArray[] {weight, bias};
        }
    }

    private static NDArray local(NDArray array, NDManager scratch) {
        NDArray copy = array.duplicate();
        copy.attach(scratch);
        return copy;
    }

    /** {@inheritDoc} */
    @Override
    public void loadParameters(NDManager manager, DataInputStream is) throws IOException, MalformedModelException {
        invalidate();
        super.loadParameters(manager, is);
    }
}
