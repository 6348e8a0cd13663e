package io.github.attentionzoo.train;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.github.attentionzoo.blockkinds.BlockKinds;
import io.github.attentionzoo.zoo.Recipe;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A recipe's optimizer for one network: its update rule and schedule, weight decay kept off the
 * parameters the recipe exempts (BatchNorm and biases, SE excitation weights), and per-parameter
 * rate factors (a gentler backbone, a frozen one).
 */
final class RecipeOptimizer {

    private RecipeOptimizer() {}

    /**
     * Builds the optimizer.
     *
     * @param recipe the recipe
     * @param block the network
     * @param lrScale parameter name to rate factor
     * @param frozen parameter names kept fixed (rate 0 until frozen after the first step)
     * @param stepsPerEpoch optimizer steps in one epoch
     * @param devices the devices the batch is split across
     * @return the optimizer
     */
    static StatefulOptimizer build(Recipe recipe, Block block, Map<String, Float> lrScale, Set<String> frozen,
            int stepsPerEpoch, int devices) {
        Set<String> noDecay = recipe.decayExcitation() ? new HashSet<>() : excitationParameterIds(block);
        Map<String, Float> scaleById = new HashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (lrScale.containsKey(p.getKey())) {
                scaleById.put(p.getValue().getId(), lrScale.get(p.getKey()));
            }
            if (frozen.contains(p.getKey())) {
                // Frozen only after the first step (TrainingRun's freezeAfterFirstStep); until then, a rate of 0.
                scaleById.put(p.getValue().getId(), 0f);
            }
            if (!recipe.decayNormAndBias() && p.getValue().getType() != Parameter.Type.WEIGHT) {
                noDecay.add(p.getValue().getId());
            }
        }
        long totalSteps = (long) stepsPerEpoch * recipe.epochs();
        LrSchedule schedule = new LrSchedule(recipe.schedule(), recipe.lr(), totalSteps,
                (long) stepsPerEpoch * recipe.warmupEpochs());
        StatefulOptimizer optimizer = switch (recipe.optimizer()) {
            case ADAM -> new Adam(schedule, recipe.weightDecay(), noDecay, devices);
            case NESTEROV_SGD -> new Sgd(schedule, recipe.momentum(), true, recipe.weightDecay(), noDecay, devices);
            case MOMENTUM_SGD -> new Sgd(schedule, recipe.momentum(), false, recipe.weightDecay(), noDecay, devices);
        };
        optimizer.setLrScale(scaleById);
        return optimizer;
    }

    /**
     * Returns the ids of every SE block's parameters in a block tree: the excitation weights that
     * {@code train --no-se-decay} keeps out of weight decay.
     *
     * @param block the network
     * @return the parameter ids
     */
    static Set<String> excitationParameterIds(Block block) {
        Set<String> ids = new HashSet<>();
        if (BlockKinds.nearest(block) == BlockKinds.SQUEEZE_EXCITATION) {
            for (Pair<String, Parameter> p : block.getParameters()) {
                ids.add(p.getValue().getId());
            }
            return ids;
        }
        for (Pair<String, Block> child : block.getChildren()) {
            ids.addAll(excitationParameterIds(child.getValue()));
        }
        return ids;
    }
}
