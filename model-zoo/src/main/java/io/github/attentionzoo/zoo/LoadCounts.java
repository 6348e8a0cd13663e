package io.github.attentionzoo.zoo;

/**
 * The zoo's own counts of metadata parses and network builds in this JVM: a diagnostic that shows
 * whether code reads a model directory's metadata once and builds its network once (the project's
 * tests check every command and a Spark executor with it).
 */
public final class LoadCounts {

    private final int parses;
    private final int builds;

    private LoadCounts() {
        parses = ModelDescription.PARSES.get();
        builds = Architectures.BUILDS.get();
    }

    /**
     * Starts counting from now.
     *
     * @return the counts so far
     */
    public static LoadCounts start() {
        return new LoadCounts();
    }

    /**
     * Returns the metadata texts parsed since {@link #start()}.
     *
     * @return the parses
     */
    public int parses() {
        return ModelDescription.PARSES.get() - parses;
    }

    /**
     * Returns the networks built since {@link #start()}.
     *
     * @return the builds
     */
    public int builds() {
        return Architectures.BUILDS.get() - builds;
    }
}
