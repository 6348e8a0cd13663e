package io.github.attentionzoo.zoo;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hyper-parameters of a training run, as data: each zoo model's entry in {@link Architectures}
 * holds the recipe its shipped weights were trained with, a model directory's metadata records the
 * recipe that made it, and recipes compare by value. Build one with {@link #builder()} or change
 * one with {@link #toBuilder()}.
 *
 * @param epochs passes over the training set
 * @param batchSize images per step, split across devices
 * @param lr the peak learning rate
 * @param schedule the learning-rate schedule
 * @param warmupEpochs epochs of linear warmup
 * @param optimizer the update rule
 * @param momentum SGD momentum (0 for Adam)
 * @param weightDecay L2 coefficient
 * @param decayNormAndBias whether BatchNorm parameters and biases also decay
 * @param decayExcitation whether the SE excitation weights decay; off keeps weight decay from
 *     shrinking whole SE blocks to a constant gate of 0.5 (docs/attention.md)
 * @param labelSmoothing the label-smoothing ε (0 for none)
 * @param cutout Cutout square side (0 for none)
 * @param ema the decay per step of an exponential moving average of the weights that the run
 *     evaluates and saves (0 for none)
 */
public record Recipe(
        int epochs,
        int batchSize,
        float lr,
        Schedule schedule,
        int warmupEpochs,
        Optimizer optimizer,
        float momentum,
        float weightDecay,
        boolean decayNormAndBias,
        boolean decayExcitation,
        float labelSmoothing,
        int cutout,
        float ema) {

    /** The update rule of a recipe. */
    public enum Optimizer {
        /** SGD with Nesterov momentum. */
        NESTEROV_SGD("nesterov-sgd"),
        /** SGD with classical momentum (He et al. 2016). */
        MOMENTUM_SGD("momentum-sgd"),
        /** Adam. */
        ADAM("adam");

        private final String text;

        Optimizer(String text) {
            this.text = text;
        }

        /**
         * Returns the name the recipe's text uses, e.g. {@code nesterov-sgd}.
         *
         * @return the name
         */
        public String text() {
            return text;
        }
    }

    /** The shape of the learning-rate schedule. */
    public enum Schedule {
        /** Cosine decay from the base rate to zero. */
        COSINE,
        /** ×0.1 at 50% and at 75% of training. */
        STEP,
        /** Rise to the base rate over the first 30%, then cosine decay. */
        ONECYCLE,
        /** The base rate throughout (after warmup). */
        CONSTANT;

        /**
         * Parses a name such as "cosine".
         *
         * @param name the name
         * @return the schedule
         * @throws IllegalArgumentException naming the known schedules
         */
        public static Schedule parse(String name) {
            try {
                return valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "unknown schedule '" + name + "': use cosine, step, onecycle or constant", e);
            }
        }
    }

    /** What the recipe's text adds when the SE excitation weights stay out of weight decay. */
    public static final String NO_EXCITATION_DECAY = " (not on SE excitation)";

    /** The recipe's text, as {@link #toString()} writes it and earlier checkpoints stored it. */
    private static final Pattern TEXT = Pattern.compile(
            "(adam|nesterov-sgd\\(m=(?<nm>[0-9.eE+-]+)\\)|momentum-sgd\\(m=(?<mm>[0-9.eE+-]+)\\))"
                    + " lr=(?<lr>[0-9.eE+-]+) (?<schedule>[a-z]+) warmup=(?<warmup>\\d+) bs=(?<bs>\\d+)"
                    + " epochs=(?<epochs>\\d+) wd=(?<wd>[0-9.eE+-]+)(?<nobn> \\(not on BN/bias\\))?"
                    + "(?<nose> \\(not on SE excitation\\))?(?: smoothing=(?<ls>[0-9.eE+-]+))?(?: cutout=(?<cutout>\\d+))?"
                    + "(?: ema=(?<ema>[0-9.eE+-]+))?");

    /**
     * Checks every field, so that a bad value fails with its name before any training starts.
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
     * @param ema as the record's ema
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
        if (!(ema >= 0 && ema < 1)) {
            throw new IllegalArgumentException("weight averaging's decay (--ema) must be in [0, 1), got " + ema);
        }
        if (schedule == null || optimizer == null) {
            throw new IllegalArgumentException("a recipe needs a schedule and an optimizer");
        }
    }

    /**
     * Creates a recipe without weight averaging: the fields recipes had before {@code ema}.
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
     * @deprecated use {@link #builder()}, which names each value
     */
    @Deprecated
    public Recipe(int epochs, int batchSize, float lr, Schedule schedule, int warmupEpochs, Optimizer optimizer,
            float momentum, float weightDecay, boolean decayNormAndBias, boolean decayExcitation,
            float labelSmoothing, int cutout) {
        this(epochs, batchSize, lr, schedule, warmupEpochs, optimizer, momentum, weightDecay, decayNormAndBias,
                decayExcitation, labelSmoothing, cutout, 0f);
    }

    /**
     * Starts a recipe from the zoo's ResNet defaults (Nesterov SGD at 0.1, cosine, one warmup
     * epoch, batch 128, 160 epochs, weight decay 5e-4 off BatchNorm and biases, Cutout 16).
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder holding this recipe's values.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.epochs = epochs;
        b.batchSize = batchSize;
        b.lr = lr;
        b.schedule = schedule;
        b.warmupEpochs = warmupEpochs;
        b.optimizer = optimizer;
        b.momentum = momentum;
        b.weightDecay = weightDecay;
        b.decayNormAndBias = decayNormAndBias;
        b.decayExcitation = decayExcitation;
        b.labelSmoothing = labelSmoothing;
        b.cutout = cutout;
        b.ema = ema;
        return b;
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "%s lr=%s %s warmup=%d bs=%d epochs=%d wd=%s%s%s%s%s%s",
                optimizer == Optimizer.ADAM ? "adam" : optimizer.text() + "(m=" + plain(momentum) + ")",
                plain(lr), schedule.name().toLowerCase(Locale.ROOT), warmupEpochs, batchSize, epochs,
                plain(weightDecay),
                decayNormAndBias ? "" : " (not on BN/bias)",
                decayExcitation ? "" : NO_EXCITATION_DECAY,
                labelSmoothing > 0 ? " smoothing=" + plain(labelSmoothing) : "",
                cutout > 0 ? " cutout=" + cutout : "",
                ema > 0 ? " ema=" + plain(ema) : "");
    }

    /**
     * Reads a recipe's text as {@link #toString()} writes it, and as earlier checkpoints and model
     * directories stored it (numbers such as {@code lr=0.100000} are read by value; text after the
     * recipe, such as a note after a semicolon, is ignored).
     *
     * @param text the text
     * @return the recipe
     * @throws IllegalArgumentException when the text does not state a recipe
     */
    public static Recipe parse(String text) {
        Matcher m = TEXT.matcher(text == null ? "" : text.strip());
        if (!m.lookingAt()) {
            throw new IllegalArgumentException("not a recipe: '" + text + "'");
        }
        String opt = m.group(1);
        Optimizer optimizer = opt.equals("adam") ? Optimizer.ADAM
                : opt.startsWith("nesterov") ? Optimizer.NESTEROV_SGD : Optimizer.MOMENTUM_SGD;
        String momentum = m.group("nm") != null ? m.group("nm") : m.group("mm");
        return new Recipe(Integer.parseInt(m.group("epochs")), Integer.parseInt(m.group("bs")),
                Float.parseFloat(m.group("lr")), Schedule.parse(m.group("schedule")),
                Integer.parseInt(m.group("warmup")), optimizer, momentum == null ? 0f : Float.parseFloat(momentum),
                Float.parseFloat(m.group("wd")), m.group("nobn") == null, m.group("nose") == null,
                m.group("ls") == null ? 0f : Float.parseFloat(m.group("ls")),
                m.group("cutout") == null ? 0 : Integer.parseInt(m.group("cutout")),
                m.group("ema") == null ? 0f : Float.parseFloat(m.group("ema")));
    }

    /**
     * Returns the recipe as JSON, the form a model directory's metadata stores.
     *
     * @return a JSON object with one member per field
     */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("optimizer", optimizer.name());
        o.addProperty("lr", new BigDecimal(Float.toString(lr)));
        o.addProperty("schedule", schedule.name());
        o.addProperty("warmupEpochs", warmupEpochs);
        o.addProperty("batchSize", batchSize);
        o.addProperty("epochs", epochs);
        o.addProperty("momentum", new BigDecimal(Float.toString(momentum)));
        o.addProperty("weightDecay", new BigDecimal(Float.toString(weightDecay)));
        o.addProperty("decayNormAndBias", decayNormAndBias);
        o.addProperty("decayExcitation", decayExcitation);
        o.addProperty("labelSmoothing", new BigDecimal(Float.toString(labelSmoothing)));
        o.addProperty("cutout", cutout);
        if (ema > 0) {
            // Only when used, so that a recipe without it reads the same as before it existed.
            o.addProperty("ema", new BigDecimal(Float.toString(ema)));
        }
        return o;
    }

    /**
     * Reads a recipe from JSON: the object {@link #toJson()} writes, or the text earlier versions
     * stored as a string; {@code ema} may be absent (none), as in recipes written before it existed.
     *
     * @param json the element
     * @return the recipe
     * @throws IllegalArgumentException naming the member that is missing or wrong
     */
    public static Recipe fromJson(JsonElement json) {
        if (json.isJsonPrimitive() && json.getAsJsonPrimitive().isString()) {
            return parse(json.getAsString());
        }
        if (!json.isJsonObject()) {
            throw new IllegalArgumentException("recipe must be an object or a recipe's text");
        }
        JsonObject o = json.getAsJsonObject();
        try {
            return new Recipe(integer(o, "epochs"), integer(o, "batchSize"), number(o, "lr"),
                    Schedule.valueOf(string(o, "schedule")), integer(o, "warmupEpochs"),
                    Optimizer.valueOf(string(o, "optimizer")), number(o, "momentum"), number(o, "weightDecay"),
                    bool(o, "decayNormAndBias"), bool(o, "decayExcitation"), number(o, "labelSmoothing"),
                    integer(o, "cutout"), o.has("ema") ? number(o, "ema") : 0f);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("recipe: " + e.getMessage(), e);
        }
    }

    private static JsonPrimitive member(JsonObject o, String name) {
        JsonElement e = o.get(name);
        if (e == null || !e.isJsonPrimitive()) {
            throw new IllegalArgumentException("'" + name + "' is missing or not a single value");
        }
        return e.getAsJsonPrimitive();
    }

    private static String string(JsonObject o, String name) {
        return member(o, name).getAsString();
    }

    private static float number(JsonObject o, String name) {
        JsonPrimitive p = member(o, name);
        if (!p.isNumber()) {
            throw new IllegalArgumentException("'" + name + "' must be a number, got " + p);
        }
        return p.getAsFloat();
    }

    private static int integer(JsonObject o, String name) {
        float v = number(o, name);
        if (v != Math.rint(v) || Math.abs(v) > 1e9) {
            throw new IllegalArgumentException("'" + name + "' must be a whole number, got " + v);
        }
        return (int) v;
    }

    private static boolean bool(JsonObject o, String name) {
        JsonPrimitive p = member(o, name);
        if (!p.isBoolean()) {
            throw new IllegalArgumentException("'" + name + "' must be true or false, got " + p);
        }
        return p.getAsBoolean();
    }

    /** The shortest decimal that reads back as {@code x}: 0.1 and 0.0005, not 0.100000 or 5.0E-4. */
    private static String plain(float x) {
        return new BigDecimal(Float.toString(x)).stripTrailingZeros().toPlainString();
    }

    /** Builds a {@link Recipe}; every field starts at the zoo's ResNet recipe. */
    public static final class Builder {
        private int epochs = 160;
        private int batchSize = 128;
        private float lr = 0.1f;
        private Schedule schedule = Schedule.COSINE;
        private int warmupEpochs = 1;
        private Optimizer optimizer = Optimizer.NESTEROV_SGD;
        private float momentum = 0.9f;
        private float weightDecay = 5e-4f;
        private boolean decayNormAndBias;
        private boolean decayExcitation = true;
        private float labelSmoothing;
        private int cutout = 16;
        private float ema;

        Builder() {}

        /**
         * Sets the passes over the training set.
         *
         * @param epochs the epochs
         * @return this builder
         */
        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /**
         * Sets the images per step.
         *
         * @param batchSize the batch size
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Sets the peak learning rate.
         *
         * @param lr the learning rate
         * @return this builder
         */
        public Builder lr(float lr) {
            this.lr = lr;
            return this;
        }

        /**
         * Sets the learning-rate schedule.
         *
         * @param schedule the schedule
         * @return this builder
         */
        public Builder schedule(Schedule schedule) {
            this.schedule = schedule;
            return this;
        }

        /**
         * Sets the epochs of linear warmup.
         *
         * @param warmupEpochs the epochs
         * @return this builder
         */
        public Builder warmupEpochs(int warmupEpochs) {
            this.warmupEpochs = warmupEpochs;
            return this;
        }

        /**
         * Sets the update rule and its momentum (ignored by Adam, which records 0).
         *
         * @param optimizer the update rule
         * @param momentum the SGD momentum
         * @return this builder
         */
        public Builder optimizer(Optimizer optimizer, float momentum) {
            this.optimizer = optimizer;
            this.momentum = optimizer == Optimizer.ADAM ? 0f : momentum;
            return this;
        }

        /**
         * Sets the L2 coefficient.
         *
         * @param weightDecay the coefficient
         * @return this builder
         */
        public Builder weightDecay(float weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /**
         * Sets whether BatchNorm parameters and biases decay too.
         *
         * @param decay whether they decay
         * @return this builder
         */
        public Builder decayNormAndBias(boolean decay) {
            this.decayNormAndBias = decay;
            return this;
        }

        /**
         * Sets whether the SE excitation weights decay.
         *
         * @param decay whether they decay
         * @return this builder
         */
        public Builder decayExcitation(boolean decay) {
            this.decayExcitation = decay;
            return this;
        }

        /**
         * Sets the label-smoothing ε.
         *
         * @param labelSmoothing the ε, 0 for none
         * @return this builder
         */
        public Builder labelSmoothing(float labelSmoothing) {
            this.labelSmoothing = labelSmoothing;
            return this;
        }

        /**
         * Sets the Cutout square's side.
         *
         * @param cutout the side in pixels, 0 for none
         * @return this builder
         */
        public Builder cutout(int cutout) {
            this.cutout = cutout;
            return this;
        }

        /**
         * Sets the decay per step of the weights' moving average, which the run evaluates and saves.
         *
         * @param ema the decay in [0, 1), 0 for none
         * @return this builder
         */
        public Builder ema(float ema) {
            this.ema = ema;
            return this;
        }

        /**
         * Builds the recipe.
         *
         * @return the recipe
         * @throws IllegalArgumentException naming a field out of range
         */
        public Recipe build() {
            return new Recipe(epochs, batchSize, lr, schedule, warmupEpochs, optimizer, momentum, weightDecay,
                    decayNormAndBias, decayExcitation, labelSmoothing, cutout, ema);
        }
    }
}
