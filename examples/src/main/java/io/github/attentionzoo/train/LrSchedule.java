package io.github.attentionzoo.train;

import io.github.attentionzoo.zoo.Recipe;

/**
 * The learning rate as a function of the global step: linear warmup, then cosine decay to zero,
 * step decay (×0.1 at 50% and 75% of training, as He et al.) or one-cycle (up to the peak over the
 * first 30%, then cosine down). It depends on nothing but the step, so a resumed run continues the
 * same curve.
 */
public final class LrSchedule {

    private final Recipe.Schedule kind;
    private final float baseLr;
    private final long totalSteps;
    private final long warmupSteps;

    /**
     * Creates a schedule.
     *
     * @param kind the shape
     * @param baseLr the peak learning rate
     * @param totalSteps the steps of the whole run
     * @param warmupSteps the steps of linear warmup (ignored by one-cycle, which has its own rise)
     */
    public LrSchedule(Recipe.Schedule kind, float baseLr, long totalSteps, long warmupSteps) {
        if (!(baseLr > 0) || totalSteps <= 0 || warmupSteps < 0) {
            throw new IllegalArgumentException(
                    "learning rate and total steps must be positive, got lr " + baseLr + ", steps " + totalSteps);
        }
        this.kind = kind;
        this.baseLr = baseLr;
        this.totalSteps = totalSteps;
        this.warmupSteps = Math.min(warmupSteps, totalSteps - 1);
    }

    /**
     * Returns the learning rate at a step.
     *
     * @param step the 0-based global step
     * @return the learning rate
     */
    public float at(long step) {
        double t = Math.min(step, totalSteps) / (double) totalSteps;
        if (kind == Recipe.Schedule.ONECYCLE) {
            double peak = 0.3;
            if (t < peak) {
                return (float) (baseLr * (0.04 + 0.96 * t / peak));
            }
            return (float) (baseLr * 0.5 * (1 + Math.cos(Math.PI * (t - peak) / (1 - peak))));
        }
        if (step < warmupSteps) {
            return baseLr * (step + 1) / (float) (warmupSteps + 1);
        }
        switch (kind) {
            case COSINE:
                double u = (step - warmupSteps) / (double) (totalSteps - warmupSteps);
                return (float) (baseLr * 0.5 * (1 + Math.cos(Math.PI * Math.min(1.0, u))));
            case STEP:
                return t < 0.5 ? baseLr : t < 0.75 ? baseLr * 0.1f : baseLr * 0.01f;
            default:
                return baseLr;
        }
    }

    /**
     * Returns the kind.
     *
     * @return the kind
     */
    public Recipe.Schedule getKind() {
        return kind;
    }
}
