package io.github.attentionzoo.zoo;

import io.github.attentionzoo.io.TextFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A model directory's class names: its {@value ModelDirectory#SYNSET}, checked, or the default names. */
final class ClassNames {

    private ClassNames() {}

    /**
     * Reads and checks a synset file, or gives the default names.
     *
     * @param file the file, or null when there is none
     * @param numClasses the model's outputs, or -1 when not known
     * @return the names
     */
    static List<String> read(Path file, int numClasses) {
        if (file == null) {
            return CifarTranslator.defaultSynset(numClasses < 0 ? 10 : numClasses);
        }
        List<String> read;
        try {
            read = TextFiles.readLines(file).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> seen = new HashSet<>();
        for (String n : read) {
            if (!seen.add(n)) {
                // One output would be reported under another's name.
                throw new IllegalArgumentException(file + ": class name '" + n + "' appears more than once;"
                        + " give each class its own name");
            }
        }
        if (numClasses >= 0 && read.size() != numClasses) {
            // Fewer names would drop classes from every answer, more would name classes that do not exist.
            throw new IllegalArgumentException(file + ": " + read.size() + " class names, but the model has "
                    + numClasses + " outputs; give one name per line for each class");
        }
        return read;
    }
}
