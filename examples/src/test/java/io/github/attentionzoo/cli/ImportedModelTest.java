package io.github.attentionzoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The base of the hostile-input tests: a real model directory to point commands at, and one-line refusals. */
abstract class ImportedModelTest {

    @TempDir static Path shared;
    static Path model;

    @BeforeAll
    static void importModel() {
        model = CliSupport.importedSeResNet20(shared);
    }

    /** A refusal: one line on stderr, no stack trace. */
    static String fails(String... args) {
        String err = CliSupport.fails(args);
        assertEquals(1, err.lines().count(), "one line:\n" + err);
        return err;
    }
}
