package io.github.attentionzoo.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.github.attentionzoo.app.ModelSummary;
import io.github.attentionzoo.zoo.Architectures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code summary}: a per-layer table of output shape, parameters and MACs. */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = "Per-layer output shape, parameters and MACs of a zoo architecture, totals last.")
final class SummaryCommand implements Callable<Integer> {

    @Mixin ArchitectureOption architecture;

    /** Below this the networks' strided stages have nothing left to reduce. */
    private static final int MIN_SIZE = 8;
    /** Far above any input the zoo's networks are made for (32 and 224). */
    private static final int MAX_SIZE = 2048;

    @Option(names = "--input-size", description = "Input side in pixels (default: the architecture's).")
    Integer inputSize;

    @Override
    public Integer call() {
        String model = architecture.name();
        int size = inputSize != null ? inputSize : Architectures.spec(model).inputSize();
        if (size < MIN_SIZE || size > MAX_SIZE) {
            // Checked here: the engine would answer a nonsense size with a raw allocation failure.
            throw new IllegalArgumentException("--input-size must be between " + MIN_SIZE + " and " + MAX_SIZE
                    + " pixels, got " + size);
        }
        Shape input = new Shape(1, 3, size, size);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = Architectures.build(model, null);
            block.initialize(manager, DataType.FLOAT32, input);
            System.out.print(ModelSummary.of(block, input).format());
        }
        return 0;
    }
}
