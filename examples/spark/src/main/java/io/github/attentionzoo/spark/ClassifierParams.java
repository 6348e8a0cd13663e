package io.github.attentionzoo.spark;

import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;

/**
 * The parameters of {@link ImageClassifier}: what a saved pipeline keeps of the stage. Their names
 * ({@code inputCol}, {@code outputPrefix}, {@code model}, {@code modelDir}, {@code engine},
 * {@code batchSize}) are what Spark ML writes and reads back, so they stay as they are.
 */
abstract class ClassifierParams extends Transformer {

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> inputCol;
    private final Param<String> outputPrefix;
    private final Param<String> model;
    private final Param<String> modelDir;
    private final Param<String> engine;
    private final IntParam batchSize;

    /** Declares the parameters, with their defaults, of the stage {@code uid}. */
    ClassifierParams(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "the image column: binary (the file's bytes) or string (its path)");
        outputPrefix = new Param<>(this, "outputPrefix", "a prefix for the added columns class, probability, top5, error");
        model = new Param<>(this, "model", "a zoo model with its shipped weights, or empty");
        modelDir = new Param<>(this, "modelDir", "a model directory every executor reads, or empty");
        engine = new Param<>(this, "engine", "the DJL engine that runs the model; empty: OnnxRuntime where the"
                + " model has an .onnx file, else PyTorch");
        batchSize = new IntParam(this, "batchSize", "images per batchPredict call", ParamValidators.gtEq(1));
        setDefault(inputCol, "content");
        setDefault(outputPrefix, "");
        setDefault(model, "");
        setDefault(modelDir, "");
        setDefault(engine, "");
        setDefault(batchSize, ImageClassifier.DEFAULT_BATCH_SIZE);
    }

    @Override
    public String uid() {
        return uid;
    }

    /**
     * The image column: binary (each image file's bytes, as {@link ImageClassifier#readImages} gives them) or
     * string (each file's path, as {@link ImageClassifier#listImages} gives them, read on the executors).
     *
     * @return the parameter (default {@code content})
     */
    public Param<String> inputCol() {
        return inputCol;
    }

    /**
     * A prefix for the names of the columns added: {@code class}, {@code probability}, {@code top5}, {@code error}.
     *
     * @return the parameter (default empty)
     */
    public Param<String> outputPrefix() {
        return outputPrefix;
    }

    /**
     * The zoo model, with its shipped weights; empty when {@link #modelDir()} is given.
     *
     * @return the parameter
     */
    public Param<String> model() {
        return model;
    }

    /**
     * The model directory every executor reads; empty when {@link #model()} is given.
     *
     * @return the parameter
     */
    public Param<String> modelDir() {
        return modelDir;
    }

    /**
     * The DJL engine that runs the model.
     *
     * @return the parameter (default {@value ImageClassifier#DEFAULT_ENGINE})
     */
    public Param<String> engine() {
        return engine;
    }

    /**
     * Images per {@code batchPredict} call.
     *
     * @return the parameter (default {@value ImageClassifier#DEFAULT_BATCH_SIZE})
     */
    public IntParam batchSize() {
        return batchSize;
    }
}
