package io.github.attentionzoo.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A layer with one float NCHW input of a fixed channel count, checked the same way ({@link
 * Inputs}) on each way in: the forward pass, the output shapes and initialization. Subclasses
 * see the checked input only.
 */
public abstract class NchwBlock extends AbstractBlock {

    private final String layer;
    private final int inChannels;

    /**
     * Creates the block.
     *
     * @param version the version saved with the parameters
     * @param layer the layer's name, for error messages
     * @param inChannels the input channels
     */
    protected NchwBlock(byte version, String layer, int inChannels) {
        super(version);
        this.layer = layer;
        this.inChannels = inChannels;
    }

    /**
     * Returns the input channels.
     *
     * @return the input channels
     */
    public int getInChannels() {
        return inChannels;
    }

    /**
     * Computes the layer on its checked input.
     *
     * @param parameterStore the parameter store
     * @param x the NCHW input
     * @param training whether in training mode
     * @param params forward parameters
     * @return the output
     */
    protected abstract NDArray forward(
            ParameterStore parameterStore, NDArray x, boolean training, PairList<String, Object> params);

    /**
     * Returns the output shape for a checked input shape.
     *
     * @param input the NCHW input shape
     * @return the output shape
     */
    protected abstract Shape outputShape(Shape input);

    /**
     * Initializes the children for a checked input shape.
     *
     * @param manager the manager
     * @param dataType the data type
     * @param input the NCHW input shape
     */
    protected abstract void initializeChildren(NDManager manager, DataType dataType, Shape input);

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDArray x = Inputs.nchw(inputs, inChannels, layer);
        return new NDList(forward(parameterStore, x, training, params));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Inputs.checkShape(inputShapes[0], inChannels, layer);
        return new Shape[] {outputShape(inputShapes[0])};
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Inputs.checkShape(inputShapes[0], inChannels, layer);
        initializeChildren(manager, dataType, inputShapes[0]);
    }
}
