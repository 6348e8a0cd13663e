package io.github.attentionzoo.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.initializer.Initializer;
import io.github.attentionzoo.app.ModelSummary;
import io.github.attentionzoo.zoo.Architectures;
import io.github.attentionzoo.zoo.ModelDescription;
import io.github.attentionzoo.zoo.PretrainedStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code models}: every zoo model with its size, cost and shipped weights. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the zoo's models: parameters, MACs, shipped weights and their accuracy.")
final class ModelsCommand implements Callable<Integer> {

    /**
     * Parameters that carry only their shapes, which is all the table reads: a view of one zero
     * (no memory, no random numbers). Drawing se_resnet50's 25 M random weights took most of the
     * command's time.
     */
    private static final Initializer SHAPES_ONLY = (manager, shape, type) -> manager.zeros(new Shape(), type).broadcast(shape);

    @Override
    public Integer call() throws Exception {
        System.out.printf(Locale.ROOT, "%-14s %12s %16s %-8s %-9s %s%n",
                "model", "params", "MACs/image", "input", "weights", "description");
        try (NDManager manager = NDManager.newBaseManager()) {
            for (String name : Architectures.names()) {
                Architectures.Spec spec = Architectures.spec(name);
                Block block = Architectures.build(name, null);
                Shape input = new Shape(1, 3, spec.inputSize(), spec.inputSize());
                try (NDManager sub = manager.newSubManager()) {
                    block.setInitializer(SHAPES_ONLY, p -> true);
                    block.initialize(sub, DataType.FLOAT32, input);
                    ModelSummary summary = ModelSummary.of(block, input);
                    ModelDescription shipped = PretrainedStore.shippedDescription(name);
                    String weights = shipped == null ? "none"
                            : shipped.testAccuracy() == null ? "yes"
                            : String.format(Locale.ROOT, "%.2f%%", 100 * shipped.testAccuracy());
                    System.out.printf(Locale.ROOT, "%-14s %,12d %,16d %-8s %-9s %s%n", name,
                            summary.totalParameters(), summary.totalMacs(),
                            spec.inputSize() + "x" + spec.inputSize(), weights, spec.description());
                }
            }
        }
        return 0;
    }
}
