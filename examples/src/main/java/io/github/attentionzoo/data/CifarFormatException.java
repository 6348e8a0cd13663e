package io.github.attentionzoo.data;

/** Data that is not valid CIFAR-10 binary: the message names the file and what is wrong. */
public class CifarFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the file
     */
    public CifarFormatException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what is wrong, naming the file
     * @param cause the underlying error
     */
    public CifarFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
