package io.github.attentionzoo.nn;

import java.util.Locale;

/**
 * The channel attention a residual block applies to its branch before the addition, chosen by
 * name as timm's {@code attn_layer}: the block stays one class whatever attention it carries.
 */
public enum Attention {
    /** None: the plain ResNet block. */
    NONE,
    /** Squeeze-and-Excitation (Hu et al. 2018): a gate per channel from the branch's squeezed output. */
    SE;

    /**
     * Parses a name such as "se" or "none".
     *
     * @param name the name
     * @return the attention
     * @throws IllegalArgumentException naming the known attentions
     */
    public static Attention parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown attention '" + name + "': use se or none", e);
        }
    }
}
