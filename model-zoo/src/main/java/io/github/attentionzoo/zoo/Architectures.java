package io.github.attentionzoo.zoo;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.XavierInitializer;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import io.github.attentionzoo.nn.SqueezeExcitation;
import io.github.attentionzoo.zoo.arch.CifarResNet;
import io.github.attentionzoo.zoo.arch.ImageNetResNet;
import io.github.attentionzoo.zoo.arch.SimpleCnn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The zoo's registry: one entry per model, in the spirit of timm's per-model configuration. An
 * entry says everything the project knows of a model: how to build it, its input size and class
 * count, the recipes it is trained with (the first, {@code zoo}, is the one its shipped weights
 * were trained with), its PyTorch parameter names, and its plain twin. Nothing else in the code
 * switches on a model's name, and a trainer outside the JVM (the PyTorch twin) learns a model's
 * network and recipe from {@link #recipeJson}, not from its name.
 *
 * <p>Options (all optional, as strings or numbers): {@code num_classes}, {@code reduction} (SE
 * ratio) and {@code se_min_hidden} (the SE bottleneck's minimum width; 1 gives senet.pytorch's
 * layout).
 */
public final class Architectures {

    /**
     * One model of the zoo.
     *
     * @param name the zoo name, e.g. {@code se_resnet20}
     * @param description one line for listings
     * @param inputSize the side of the square input image
     * @param defaultClasses the classes of its shipped or default head
     * @param factory builds the untrained network from the options
     * @param recipes the named recipes, {@code zoo} first: the one the shipped weights were trained with
     * @param torchLayouts the PyTorch names of its parameters, one list per known layout (the one
     *     {@code export-torch} writes first), or null when it has no PyTorch twin
     * @param plainTwin the plain network an attention network is compared with, or null
     * @param structure describes the network as data a PyTorch twin builds it from (depth, block,
     *     widths, SE and SK settings, as {@link CifarResNet.Builder#describe()}), or null when no
     *     twin builds it
     */
    public record Spec(String name, String description, int inputSize, int defaultClasses,
            Function<Options, Block> factory, Map<String, Recipe> recipes,
            Function<Options, List<List<String>>> torchLayouts, String plainTwin,
            Function<Options, JsonObject> structure) {

        /**
         * Creates a spec whose network no PyTorch twin builds (the form before {@code structure}).
         *
         * @param name as the record's
         * @param description as the record's
         * @param inputSize as the record's
         * @param defaultClasses as the record's
         * @param factory as the record's
         * @param recipes as the record's
         * @param torchLayouts as the record's
         * @param plainTwin as the record's
         */
        public Spec(String name, String description, int inputSize, int defaultClasses,
                Function<Options, Block> factory, Map<String, Recipe> recipes,
                Function<Options, List<List<String>>> torchLayouts, String plainTwin) {
            this(name, description, inputSize, defaultClasses, factory, recipes, torchLayouts, plainTwin, null);
        }

        /**
         * Returns the recipe the shipped weights were trained with, which {@code train --model NAME}
         * uses by default.
         *
         * @return the zoo recipe
         */
        public Recipe recipe() {
            return recipes.get(ZOO_RECIPE);
        }
    }

    /** The options an architecture is built with. */
    public record Options(int numClasses, int reduction, int seMinHidden) {}

    /** The name of every model's own recipe. */
    public static final String ZOO_RECIPE = "zoo";

    /** The name of the short recipe of the 20-layer CIFAR ResNets: about an hour on two CPU cores. */
    public static final String FAST_RECIPE = "fast";

    /** The largest class count a head may have: sizes read from files are bounded before anything is built. */
    public static final int MAX_CLASSES = 100_000;

    /** Networks built by this JVM: read by the tests that count them. */
    static final java.util.concurrent.atomic.AtomicInteger BUILDS = new java.util.concurrent.atomic.AtomicInteger();

    /** The Selective Kernel branches of the zoo's SK-ResNets: a 3×3 and a dilated 3×3 that sees 5×5. */
    private static final int[] SK_KERNELS = {3, 5};

    private static final Map<String, Spec> SPECS = new LinkedHashMap<>();

    static {
        // The seed's network, trained with Adam: its SGD recipe reached less in the same time.
        Recipe adam = Recipe.builder().optimizer(Recipe.Optimizer.ADAM, 0f).lr(3e-3f).epochs(60).warmupEpochs(0)
                .weightDecay(0f).cutout(0).build();
        add(new Spec("simple_cnn", "seed CNN: conv 64 + max-pool + SE + linear", 32, 10,
                o -> SimpleCnn.builder().optNumClasses(o.numClasses()).optReduction(o.reduction()).build(),
                Map.of(ZOO_RECIPE, adam), o -> SimpleCnn.torchLayouts(), null));
        for (int depth : new int[] {20, 56}) {
            cifar("resnet" + depth, "CIFAR ResNet-" + depth + " (plain baseline)", depth, false, null, null, true);
        }
        for (int depth : new int[] {20, 32, 56, 110}) {
            // se_resnet56 was trained with its SE weights out of weight decay, which switched whole
            // blocks off at that depth (docs/attention.md); the shallower ones decay everything.
            cifar("se_resnet" + depth, "CIFAR SE-ResNet-" + depth, depth, true, null,
                    depth == 20 || depth == 56 ? "resnet" + depth : null, depth < 56);
        }
        cifar("sk_resnet20", "CIFAR SK-ResNet-20 (SK [3, 5-dilated] in each block)", 20, false, SK_KERNELS,
                "resnet20", true);
        for (int depth : new int[] {18, 50}) {
            add(new Spec("se_resnet" + depth, "ImageNet SE-ResNet-" + depth + " (224x224)", 224, 1000,
                    o -> ImageNetResNet.builder().setDepth(depth).optNumClasses(o.numClasses())
                            .optReduction(o.reduction()).build(),
                    Map.of(ZOO_RECIPE, Recipe.builder().build()), null, null));
        }
    }

    private Architectures() {}

    private static void add(Spec spec) {
        SPECS.put(spec.name(), spec);
    }

    private static void cifar(String name, String description, int depth, boolean se, int[] sk, String twin,
            boolean decayExcitation) {
        Recipe zoo = Recipe.builder().decayExcitation(decayExcitation).build();
        // He et al. 2016, section 4.2: momentum 0.1 then /10 at 32k and 48k of 64k steps (164 epochs),
        // 1e-4 on every parameter; their 110-layer net warmed up at 0.01 for about an epoch.
        Recipe he2016 = Recipe.builder().optimizer(Recipe.Optimizer.MOMENTUM_SGD, 0.9f).schedule(Recipe.Schedule.STEP)
                .epochs(164).warmupEpochs(depth >= 110 ? 1 : 0).weightDecay(1e-4f).decayNormAndBias(true).cutout(0)
                .build();
        Map<String, Recipe> recipes = new LinkedHashMap<>();
        recipes.put(ZOO_RECIPE, zoo);
        recipes.put("he2016", he2016);
        if (depth == 20) {
            // An hour on two CPU cores: chosen trial by trial (docs/training.md).
            recipes.put(FAST_RECIPE, Recipe.builder().decayExcitation(decayExcitation).epochs(30)
                    .schedule(Recipe.Schedule.ONECYCLE).lr(0.2f).cutout(0).labelSmoothing(0.1f).ema(0.999f).build());
        }
        // One builder for the network and its description, so the PyTorch twin cannot build another.
        Function<Options, CifarResNet.Builder> builder = o -> CifarResNet.builder().setDepth(depth)
                .optNumClasses(o.numClasses()).optReduction(o.reduction()).optSeMinHidden(o.seMinHidden()).optSe(se)
                .optSelectiveKernel(sk);
        add(new Spec(name, description, 32, 10, o -> builder.apply(o).build(), Map.copyOf(recipes),
                o -> List.of(CifarResNet.torchNames(depth, se, sk == null ? 0 : sk.length)), twin,
                o -> builder.apply(o).describe()));
    }

    /**
     * Returns the plain network an attention network is compared with: the same depth and
     * widths without SE or SK ({@code se_resnet20} and {@code sk_resnet20} give {@code resnet20}).
     *
     * @param name an architecture's name
     * @return the twin's name, or null when the architecture has no plain twin in the zoo
     */
    public static String plainTwin(String name) {
        return spec(name).plainTwin();
    }

    /**
     * Returns a named recipe of a model.
     *
     * @param name the model
     * @param recipe the recipe's name ({@value #ZOO_RECIPE} for the model's own)
     * @return the recipe
     * @throws IllegalArgumentException naming the model's recipes when it has no such recipe
     */
    public static Recipe recipe(String name, String recipe) {
        Recipe r = spec(name).recipes().get(recipe);
        if (r == null) {
            throw new IllegalArgumentException("unknown recipe '" + recipe + "' for " + name + ": use "
                    + String.join(" or ", new java.util.TreeSet<>(spec(name).recipes().keySet()).descendingSet()));
        }
        return r;
    }

    /**
     * Returns the PyTorch layouts of a model built with the given options.
     *
     * @param name the model
     * @param arguments the build options (may be null)
     * @return the layouts, the one {@code export-torch} writes first
     * @throws IllegalArgumentException when the model has no PyTorch twin
     */
    public static List<List<String>> torchLayouts(String name, Map<String, ?> arguments) {
        Spec spec = spec(name);
        if (spec.torchLayouts() == null) {
            throw new IllegalArgumentException("no PyTorch layout is known for '" + name + "'; PyTorch import and"
                    + " export support " + String.join(", ", SPECS.values().stream()
                            .filter(s -> s.torchLayouts() != null).map(Spec::name).toList()));
        }
        return spec.torchLayouts().apply(options(name, arguments));
    }

    /**
     * Returns the description a PyTorch twin builds a model's network from.
     *
     * @param name the model
     * @param arguments the build options (may be null)
     * @return the description, as {@link CifarResNet.Builder#describe()}
     * @throws IllegalArgumentException naming the models that have one when this one has none
     */
    public static JsonObject structure(String name, Map<String, ?> arguments) {
        Spec spec = spec(name);
        if (spec.structure() == null) {
            throw new IllegalArgumentException("no PyTorch twin builds '" + name + "'; it builds " + String.join(", ",
                    SPECS.values().stream().filter(s -> s.structure() != null).map(Spec::name).toList()));
        }
        return spec.structure().apply(options(name, arguments));
    }

    /**
     * Describes a training run for a trainer outside the JVM ({@code train --print-recipe --json}):
     * {@code architecture}, {@code inputSize}, {@code recipeName}, {@code recipe} (as {@link
     * Recipe#toJson()}, which {@link Recipe#fromJson} reads), {@code recipeText} (as {@link
     * Recipe#toString()}), {@code network} (as {@link #structure}, absent for a model no PyTorch
     * twin builds) and {@code command}, the command that printed it.
     *
     * @param name the model, built with its default options
     * @param recipeName the named recipe the run starts from
     * @param recipe that recipe with the run's changes
     * @param command the command line that asked for it
     * @return the JSON text, one member a line
     */
    public static String recipeJson(String name, String recipeName, Recipe recipe, String command) {
        Spec spec = spec(name);
        JsonObject o = new JsonObject();
        o.addProperty("architecture", name);
        o.addProperty("inputSize", spec.inputSize());
        o.addProperty("recipeName", recipeName);
        o.add("recipe", recipe.toJson());
        o.addProperty("recipeText", recipe.toString());
        if (spec.structure() != null) {
            o.add("network", structure(name, null));
        }
        o.addProperty("command", command);
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o);
    }

    /**
     * Returns every architecture's name, in a stable order.
     *
     * @return the names
     */
    public static List<String> names() {
        return List.copyOf(SPECS.keySet());
    }

    /**
     * Returns an architecture's description.
     *
     * @param name the name
     * @return the spec
     * @throws IllegalArgumentException naming the known models when {@code name} is unknown
     */
    public static Spec spec(String name) {
        Spec spec = SPECS.get(name);
        if (spec == null) {
            throw new IllegalArgumentException(
                    "unknown model '" + name + "'; known models: " + String.join(", ", SPECS.keySet()));
        }
        return spec;
    }

    /**
     * Reads the build options from Criteria-style arguments, with the architecture's defaults.
     *
     * @param name the architecture
     * @param arguments the arguments (may be null)
     * @return the options
     */
    public static Options options(String name, Map<String, ?> arguments) {
        Spec spec = spec(name);
        return new Options(
                intArg(arguments, "num_classes", spec.defaultClasses(), MAX_CLASSES),
                intArg(arguments, "reduction", SqueezeExcitation.DEFAULT_REDUCTION, 4096),
                intArg(arguments, "se_min_hidden", SqueezeExcitation.DEFAULT_MIN_HIDDEN, 4096));
    }

    /**
     * Builds an untrained network.
     *
     * @param name the architecture
     * @param arguments the options (may be null or empty)
     * @return the network
     */
    public static Block build(String name, Map<String, ?> arguments) {
        BUILDS.incrementAndGet();
        Block block = spec(name).factory().apply(options(name, arguments));
        // He initialisation, so an untrained model initializes on its own, outside any trainer.
        block.setInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN,
                XavierInitializer.FactorType.IN, 2), Parameter.Type.WEIGHT);
        return block;
    }

    /**
     * Reads a positive whole-number option.
     *
     * @param arguments the arguments (may be null)
     * @param key the option's name
     * @param fallback the value when it is absent
     * @param max the largest value allowed
     * @return the value
     * @throws IllegalArgumentException naming the option and its range when it is not a whole number from 1 to max
     */
    public static int intArg(Map<String, ?> arguments, String key, int fallback, int max) {
        if (arguments == null || arguments.get(key) == null) {
            return fallback;
        }
        Object v = arguments.get(key);
        try {
            double d = v instanceof Number ? ((Number) v).doubleValue() : Double.parseDouble(v.toString().trim());
            if (!(d >= 1 && d <= max) || d != Math.rint(d)) {
                throw new NumberFormatException();
            }
            return (int) d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number from 1 to " + max + ", got '" + v + "'");
        }
    }
}
