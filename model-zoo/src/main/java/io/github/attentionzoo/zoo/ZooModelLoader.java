package io.github.attentionzoo.zoo;

import ai.djl.Application;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.repository.MRL;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelLoader;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Progress;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Loads one zoo architecture: with its shipped CIFAR-10 weights by default, or untrained with
 * {@code optOption("pretrained", "false")} (any {@code num_classes}, {@code reduction}, ...
 * given as Criteria arguments). A model whose weights do not ship says so rather than handing out
 * random weights.
 *
 * <p>The shipped models also load as int8 on ONNX Runtime: {@code optFilter("precision", "int8")},
 * the way DJL's own zoos select an artifact's variants by its properties ({@code
 * optOption("precision", "int8")} is taken too). fp32 is the default.
 */
public class ZooModelLoader implements ModelLoader {

    private final String name;
    private final MRL mrl;

    /**
     * Creates the loader.
     *
     * @param name the architecture's name
     */
    public ZooModelLoader(String name) {
        this.name = name;
        // The MRL only names the model for listings; loading never goes through a repository.
        this.mrl = MRL.model(null, Application.CV.IMAGE_CLASSIFICATION, AttentionZoo.GROUP_ID, name,
                PretrainedStore.VERSION, null);
    }

    /** {@inheritDoc} */
    @Override
    public String getGroupId() {
        return AttentionZoo.GROUP_ID;
    }

    /** {@inheritDoc} */
    @Override
    public String getArtifactId() {
        return name;
    }

    /** {@inheritDoc} */
    @Override
    public Application getApplication() {
        return Application.CV.IMAGE_CLASSIFICATION;
    }

    /** {@inheritDoc} */
    @Override
    public MRL getMrl() {
        return mrl;
    }

    /**
     * Whether the criteria ask for pretrained weights (the default).
     *
     * @param criteria the criteria
     * @return false when {@code pretrained} is "false" as an option or argument
     */
    static boolean wantsPretrained(Criteria<?, ?> criteria) {
        Object option = criteria.getOptions() == null ? null : criteria.getOptions().get("pretrained");
        Object argument = criteria.getArguments() == null ? null : criteria.getArguments().get("pretrained");
        Object value = option != null ? option : argument;
        return value == null || !"false".equalsIgnoreCase(value.toString().trim());
    }

    /**
     * The precision the criteria ask for: the {@code precision} filter, else option, else fp32.
     *
     * @param criteria the criteria
     * @return the precision
     * @throws ModelNotFoundException when the value is neither fp32 nor int8
     */
    static Precision precision(Criteria<?, ?> criteria) throws ModelNotFoundException {
        Object filter = criteria.getFilters() == null ? null : criteria.getFilters().get(Precision.KEY);
        Object option = criteria.getOptions() == null ? null : criteria.getOptions().get(Precision.KEY);
        Object value = filter != null ? filter : option;
        try {
            return Precision.parse(value == null ? null : value.toString());
        } catch (IllegalArgumentException e) {
            throw new ModelNotFoundException(e.getMessage(), e);
        }
    }

    /** {@inheritDoc} */
    @Override
    public <I, O> ZooModel<I, O> loadModel(Criteria<I, O> criteria)
            throws IOException, ModelNotFoundException, MalformedModelException {
        TranslatorFactory factory = criteria.getTranslatorFactory();
        if (factory == null) {
            factory = new CifarTranslatorFactory();
        }
        if (!factory.isSupported(criteria.getInputClass(), criteria.getOutputClass())) {
            throw new ModelNotFoundException("attentionzoo models translate Image → Classifications and Input → Output, not "
                    + criteria.getInputClass().getSimpleName() + " → " + criteria.getOutputClass().getSimpleName());
        }
        Map<String, Object> arguments = new HashMap<>();
        if (criteria.getArguments() != null) {
            arguments.putAll(criteria.getArguments());
        }
        String engine = criteria.getEngine() == null ? ModelDirectory.PYTORCH : criteria.getEngine();
        Precision precision = precision(criteria);
        if (precision == Precision.INT8 && !engine.equals(ModelDirectory.ONNX_RUNTIME)) {
            throw new ModelNotFoundException("'" + name + "' runs in int8 on OnnxRuntime only: add optEngine(\"OnnxRuntime\")");
        }
        Model model;
        if (engine.equals(ModelDirectory.ONNX_RUNTIME)) {
            if (!wantsPretrained(criteria) || !PretrainedStore.hasWeights(name)) {
                throw new ModelNotFoundException("OnnxRuntime runs the zoo's shipped models and exported model"
                        + " directories; '" + name + "' " + (PretrainedStore.hasWeights(name) ? "untrained" : "ships no"
                        + " weights") + ": load it on PyTorch, or export a trained one to ONNX");
            }
            Map<String, Object> options = new HashMap<>();
            if (criteria.getOptions() != null) {
                options.putAll(criteria.getOptions());
            }
            // Not a session option: ONNX Runtime would refuse it.
            options.remove(Precision.KEY);
            Path dir = PretrainedStore.install(name);
            ModelDirectory opened = ModelDirectory.open(dir);
            if (precision == Precision.INT8 && !opened.hasOnnx(precision)) {
                throw new ModelNotFoundException("no int8 model ships for '" + name + "'");
            }
            model = opened.load(ModelDirectory.ONNX_RUNTIME, criteria.getDevice(), options, precision);
        } else if (!engine.equals(ModelDirectory.PYTORCH)) {
            throw new ModelNotFoundException("attentionzoo models run on PyTorch or OnnxRuntime, not " + engine);
        } else if (wantsPretrained(criteria)) {
            if (!PretrainedStore.hasWeights(name)) {
                throw new ModelNotFoundException("no pretrained weights ship for '" + name
                        + "' yet; load it untrained with optOption(\"pretrained\", \"false\") and train it");
            }
            Path dir = PretrainedStore.install(name);
            model = ModelDirectory.open(dir).load(ModelDirectory.PYTORCH, criteria.getDevice());
        } else {
            Map<String, String> options = new java.util.LinkedHashMap<>();
            for (String key : new String[] {"num_classes", "reduction", "se_min_hidden"}) {
                if (arguments.get(key) != null) {
                    options.put(key, arguments.get(key).toString());
                }
            }
            ModelDescription metadata = ModelDescription.untrained(name, options);
            model = ModelDirectory.newModel(metadata, criteria.getDevice());
            ModelDirectory.initialize(model, metadata.inputSize());
        }
        try {
            Translator<I, O> translator = factory.newInstance(
                    criteria.getInputClass(), criteria.getOutputClass(), model, arguments);
            return new ZooModel<>(model, translator);
        } catch (TranslateException | RuntimeException e) {
            model.close();
            throw new ModelNotFoundException("no translator for " + name + ": " + e.getMessage(), e);
        }
    }

    /** {@inheritDoc} */
    @Override
    public <I, O> boolean isDownloaded(Criteria<I, O> criteria) {
        return true;
    }

    /** {@inheritDoc} */
    @Override
    public <I, O> void downloadModel(Criteria<I, O> criteria, Progress progress) {
        // Weights ship inside the jar: there is nothing to download.
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "djl://" + AttentionZoo.GROUP_ID + "/" + name;
    }
}
