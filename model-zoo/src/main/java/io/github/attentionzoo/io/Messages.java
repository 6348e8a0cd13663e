package io.github.attentionzoo.io;

/** Shortens the messages of parsers and native code to what fits the one-line errors users see. */
public final class Messages {

    private Messages() {}

    /**
     * Returns the first line of a message, for parsers whose messages run over several lines.
     *
     * @param message a message, or null
     * @return its first line, or an empty string
     */
    public static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
