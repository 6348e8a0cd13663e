package io.github.attentionzoo.zoo;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.XavierInitializer;
import io.github.attentionzoo.zoo.arch.CifarResNet;
import io.github.attentionzoo.zoo.arch.ImageNetResNet;
import io.github.attentionzoo.zoo.arch.SimpleCnn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Every architecture the zoo knows, by name, with the options a caller may change. This is the
 * one place that turns a name such as {@code se_resnet20} into a network.
 *
 * <p>Options (all optional, as strings or numbers): {@code num_classes}, {@code reduction} (SE
 * ratio) and {@code se_min_hidden} (the SE bottleneck's minimum width; 1 gives senet.pytorch's
 * layout).
 */
public final class Architectures {

    /** One named architecture. */
    public record Spec(String name, String description, int inputSize, int defaultClasses,
            Function<Options, Block> factory) {}

    /** The options an architecture is built with. */
    public record Options(int numClasses, int reduction, int seMinHidden) {}

    private static final Map<String, Spec> SPECS = new LinkedHashMap<>();

    static {
        add("simple_cnn", "seed CNN: conv 64 + max-pool + SE + linear", 32, 10,
                o -> SimpleCnn.builder().optNumClasses(o.numClasses()).optReduction(o.reduction()).build());
        for (int depth : new int[] {20, 56}) {
            add("resnet" + depth, "CIFAR ResNet-" + depth + " (plain baseline)", 32, 10,
                    o -> cifar(depth, o).build());
        }
        for (int depth : new int[] {20, 32, 56, 110}) {
            add("se_resnet" + depth, "CIFAR SE-ResNet-" + depth, 32, 10,
                    o -> cifar(depth, o).optSe(true).build());
        }
        add("sk_resnet20", "CIFAR SK-ResNet-20 (SK [3, 5-dilated] in each block)", 32, 10,
                o -> cifar(20, o).optSelectiveKernel(3, 5).build());
        for (int depth : new int[] {18, 50}) {
            add("se_resnet" + depth, "ImageNet SE-ResNet-" + depth + " (224x224)", 224, 1000,
                    o -> ImageNetResNet.builder().setDepth(depth).optNumClasses(o.numClasses())
                            .optReduction(o.reduction()).build());
        }
    }

    private Architectures() {}

    private static void add(String name, String description, int size, int classes, Function<Options, Block> f) {
        SPECS.put(name, new Spec(name, description, size, classes, f));
    }

    private static CifarResNet.Builder cifar(int depth, Options o) {
        return CifarResNet.builder().setDepth(depth).optNumClasses(o.numClasses())
                .optReduction(o.reduction()).optSeMinHidden(o.seMinHidden());
    }

    /**
     * Returns the plain network an attention network is compared with: the same depth and
     * widths without SE or SK ({@code se_resnet20} and {@code sk_resnet20} give {@code resnet20}).
     *
     * @param name an architecture's name
     * @return the twin's name, or null when the architecture has no plain twin in the zoo
     */
    public static String plainTwin(String name) {
        for (String prefix : new String[] {"se_", "sk_"}) {
            if (name.startsWith(prefix) && SPECS.containsKey(name.substring(prefix.length()))) {
                return name.substring(prefix.length());
            }
        }
        return null;
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
                intArg(arguments, "num_classes", spec.defaultClasses()),
                intArg(arguments, "reduction", 16),
                intArg(arguments, "se_min_hidden", 8));
    }

    /**
     * Builds an untrained network.
     *
     * @param name the architecture
     * @param arguments the options (may be null or empty)
     * @return the network
     */
    public static Block build(String name, Map<String, ?> arguments) {
        Block block = spec(name).factory().apply(options(name, arguments));
        // He initialisation, so an untrained model initializes on its own, outside any trainer.
        block.setInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN,
                XavierInitializer.FactorType.IN, 2), Parameter.Type.WEIGHT);
        return block;
    }

    static int intArg(Map<String, ?> arguments, String key, int fallback) {
        if (arguments == null || arguments.get(key) == null) {
            return fallback;
        }
        Object v = arguments.get(key);
        try {
            int value = v instanceof Number ? ((Number) v).intValue() : Integer.parseInt(v.toString().trim());
            if (value <= 0) {
                throw new IllegalArgumentException("option " + key + " must be positive, got " + v);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + key + " must be an integer, got '" + v + "'", e);
        }
    }
}
