package io.github.attentionzoo.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.github.attentionzoo.zoo.Architectures;
import io.github.attentionzoo.zoo.ModelSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code summary}: a per-layer table of output shape, parameters and MACs. */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = "Per-layer output shape, parameters and MACs of a zoo architecture, totals last.")
final class SummaryCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Architecture, e.g. se_resnet20.")
    String model;

    @Option(names = "--input-size", description = "Input side in pixels (default: the architecture's).")
    Integer inputSize;

    @Override
    public Integer call() {
        int size = inputSize != null ? inputSize : Architectures.spec(model).inputSize();
        Shape input = new Shape(1, 3, size, size);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = Architectures.build(model, null);
            block.initialize(manager, DataType.FLOAT32, input);
            System.out.print(ModelSummary.of(block, input).format());
        }
        return 0;
    }
}
