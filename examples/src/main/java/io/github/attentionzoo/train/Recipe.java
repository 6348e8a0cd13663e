package io.github.attentionzoo.train;

import io.github.attentionzoo.zoo.Architectures;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hyper-parameters of a training run. {@link #forModel(String)} gives each zoo model the
 * recipe its published weights were trained with, so {@code train --model NAME} alone does the
 * right thing; command-line flags override single fields.
 *
 * @param epochs passes over the training set
 * @param batchSize images per step, split across devices
 * @param lr the peak learning rate
 * @param schedule the learning-rate schedule
 * @param warmupEpochs epochs of linear warmup
 * @param optimizer "sgd" (Nesterov momentum), "momentum" (classical momentum) or "adam"
 * @param momentum SGD momentum
 * @param weightDecay L2 coefficient
 * @param decayNormAndBias whether BatchNorm parameters and biases also decay
 * @param decayExcitation whether the SE excitation weights decay; off keeps weight decay from
 *     shrinking whole SE blocks to a constant gate of 0.5 (docs/attention.md)
 * @param labelSmoothing the label-smoothing ε (0 for none)
 * @param cutout Cutout square side (0 for none)
 */
public record Recipe(
        int epochs,
        int batchSize,
        float lr,
        LrSchedule.Kind schedule,
        int warmupEpochs,
        String optimizer,
        float momentum,
        float weightDecay,
        boolean decayNormAndBias,
        boolean decayExcitation,
        float labelSmoothing,
        int cutout) {

    /** What {@link #toString()} adds when the SE excitation weights stay out of weight decay. */
    public static final String NO_EXCITATION_DECAY = " (not on SE excitation)";

    /** A number after "=", as every field of {@link #toString()} is written. */
    private static final Pattern NUMBER = Pattern.compile("(?<==)[0-9.]+(?:[eE][-+]?[0-9]+)?");

    /**
     * Checks every field, so that a bad flag fails with its name before any training starts.
     *
     * @param epochs as the record's epochs
     * @param batchSize as the record's batchSize
     * @param lr as the record's lr
     * @param schedule as the record's schedule
     * @param warmupEpochs as the record's warmupEpochs
     * @param optimizer as the record's optimizer
     * @param momentum as the record's momentum
     * @param weightDecay as the record's weightDecay
     * @param decayNormAndBias as the record's decayNormAndBias
     * @param decayExcitation as the record's decayExcitation
     * @param labelSmoothing as the record's labelSmoothing
     * @param cutout as the record's cutout
     * @throws IllegalArgumentException naming the first field out of range
     */
    public Recipe {
        if (epochs <= 0) {
            throw new IllegalArgumentException("epochs must be positive, got " + epochs);
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        if (!(lr > 0) || Float.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate (--lr) must be a finite number > 0, got " + lr);
        }
        if (warmupEpochs < 0 || cutout < 0) {
            throw new IllegalArgumentException("warmup and cutout (--cutout) must be >= 0");
        }
        // Written so that NaN fails too: every comparison with NaN is false.
        if (!(weightDecay >= 0) || Float.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay (--weight-decay) must be a finite number >= 0, got "
                    + weightDecay);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("label smoothing (--label-smoothing) must be in [0, 1), got "
                    + labelSmoothing);
        }
        if (!List.of("sgd", "momentum", "adam").contains(optimizer)) {
            throw new IllegalArgumentException("optimizer must be sgd, momentum or adam, got " + optimizer);
        }
    }

    /**
     * Returns the recipe for a zoo model: Adam for the seed's SimpleCNN, and for every ResNet
     * Nesterov SGD at 0.1 with one epoch of warmup and cosine decay over 160 epochs, 5e-4 weight
     * decay off BatchNorm and biases, and 16-pixel Cutout. One recipe for all depths, so that each
     * SE or SK network and its plain twin are trained alike.
     *
     * @param model the zoo model's name
     * @return the recipe
     */
    public static Recipe forModel(String model) {
        if (model.equals("simple_cnn")) {
            return new Recipe(10, 128, 1e-3f, LrSchedule.Kind.COSINE, 0, "adam", 0f, 0f, false, true, 0f, 0);
        }
        return new Recipe(160, 128, 0.1f, LrSchedule.Kind.COSINE, 1, "sgd", 0.9f, 5e-4f, false, true, 0f, 16);
    }

    /**
     * Returns a named recipe for a zoo model: "zoo", the model's own ({@link #forModel(String)}),
     * or "he2016", the CIFAR recipe of He et al., "Deep Residual Learning" (2016), section 4.2:
     * classical momentum 0.9, learning rate 0.1 divided by 10 at 32k and 48k of 64k steps of 128
     * images (164 epochs of the 50,000; step decay at 50% and 75%), weight decay 1e-4 on every
     * parameter, no Cutout or smoothing. Their 110-layer net started at 0.01 for about an epoch;
     * one epoch of linear warmup stands in for that. They trained on 45,000 images, this on all.
     *
     * @param model the zoo model's name
     * @param name the recipe's name
     * @return the recipe
     * @throws IllegalArgumentException naming the known recipes, or when he2016 is asked of a
     *     network that is not a CIFAR ResNet
     */
    public static Recipe named(String model, String name) {
        switch (name) {
            case "zoo":
                return forModel(model);
            case "he2016":
                if (!model.contains("resnet") || Architectures.spec(model).inputSize() != 32) {
                    throw new IllegalArgumentException("recipe he2016 is for the CIFAR ResNets, not " + model);
                }
                return new Recipe(164, 128, 0.1f, LrSchedule.Kind.STEP, model.endsWith("110") ? 1 : 0, "momentum",
                        0.9f, 1e-4f, true, true, 0f, 0);
            default:
                throw new IllegalArgumentException("unknown recipe '" + name + "': use zoo or he2016");
        }
    }

    /**
     * Returns this recipe with other values where given (null keeps the recipe's).
     *
     * @param epochs the epochs, or null
     * @param batchSize the batch size, or null
     * @param lr the learning rate, or null
     * @param schedule the schedule, or null
     * @return the new recipe
     */
    public Recipe with(Integer epochs, Integer batchSize, Float lr, LrSchedule.Kind schedule) {
        return new Recipe(
                epochs != null ? epochs : this.epochs,
                batchSize != null ? batchSize : this.batchSize,
                lr != null ? lr : this.lr,
                schedule != null ? schedule : this.schedule,
                warmupEpochs, optimizer, momentum, weightDecay, decayNormAndBias, decayExcitation, labelSmoothing,
                cutout);
    }

    /**
     * Returns this recipe with label smoothing and Cutout set.
     *
     * @param labelSmoothing the ε
     * @param cutout the Cutout size
     * @return the new recipe
     */
    public Recipe withRegularisation(float labelSmoothing, int cutout) {
        return new Recipe(epochs, batchSize, lr, schedule, warmupEpochs, optimizer, momentum,
                weightDecay, decayNormAndBias, decayExcitation, labelSmoothing, cutout);
    }

    /**
     * Returns this recipe with another weight-decay coefficient.
     *
     * @param weightDecay the L2 coefficient
     * @return the new recipe
     */
    public Recipe withWeightDecay(float weightDecay) {
        return new Recipe(epochs, batchSize, lr, schedule, warmupEpochs, optimizer, momentum,
                weightDecay, decayNormAndBias, decayExcitation, labelSmoothing, cutout);
    }

    /**
     * Returns this recipe with the SE excitation weights in or out of weight decay.
     *
     * @param decayExcitation whether they decay
     * @return the new recipe
     */
    public Recipe withExcitationDecay(boolean decayExcitation) {
        return new Recipe(epochs, batchSize, lr, schedule, warmupEpochs, optimizer, momentum,
                weightDecay, decayNormAndBias, decayExcitation, labelSmoothing, cutout);
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "%s lr=%s %s warmup=%d bs=%d epochs=%d wd=%s%s%s%s%s",
                optimizer.equals("adam") ? "adam"
                        : (optimizer.equals("sgd") ? "nesterov-sgd(m=" : "momentum-sgd(m=") + plain(momentum) + ")",
                plain(lr), schedule.name().toLowerCase(Locale.ROOT), warmupEpochs, batchSize, epochs,
                plain(weightDecay),
                decayNormAndBias ? "" : " (not on BN/bias)",
                decayExcitation ? "" : NO_EXCITATION_DECAY,
                labelSmoothing > 0 ? " smoothing=" + plain(labelSmoothing) : "",
                cutout > 0 ? " cutout=" + cutout : "");
    }

    /**
     * Tells whether a recipe's text, as a checkpoint stores it, states this recipe. Numbers are
     * compared by value, so checkpoints written when the text printed {@code lr=0.100000} still
     * resume.
     *
     * @param text the text of {@link #toString()}, from this or an earlier version
     * @return whether it describes the same recipe
     */
    public boolean sameAs(String text) {
        Matcher m = NUMBER.matcher(text);
        StringBuilder canonical = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(canonical, plain(Float.parseFloat(m.group())));
        }
        return m.appendTail(canonical).toString().equals(toString());
    }

    /** The shortest decimal that reads back as {@code x}: 0.1 and 0.0005, not 0.100000 or 5.0E-4. */
    private static String plain(float x) {
        return new BigDecimal(Float.toString(x)).stripTrailingZeros().toPlainString();
    }
}
