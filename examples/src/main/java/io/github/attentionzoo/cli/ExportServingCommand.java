package io.github.attentionzoo.cli;

import io.github.attentionzoo.zoo.AtomicFiles;
import io.github.attentionzoo.zoo.ModelArtifacts;
import io.github.attentionzoo.zoo.ModelMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code export-serving}: a model directory DJL Serving serves as it is. */
@Command(name = "export-serving", mixinStandardHelpOptions = true,
        description = "Write a model directory that DJL Serving serves as is (serving.properties, parameters, synset).")
final class ExportServingCommand implements Callable<Integer> {

    @Mixin ModelSource source;

    @Option(names = "--output", required = true, description = "The directory to write (replaced atomically).")
    Path output;

    @Override
    public Integer call() throws Exception {
        Path from = source.directory();
        ModelMetadata metadata = ModelMetadata.read(from);
        Path params = ModelArtifacts.findParams(from, metadata.architecture);
        List<String> synset = Files.readAllLines(from.resolve(ModelArtifacts.SYNSET));
        AtomicFiles.writeDirectory(output, tmp -> {
            Files.copy(params, tmp.resolve(params.getFileName()));
            ModelArtifacts.writeDescription(tmp, metadata, synset);
        });
        System.out.println("wrote " + output + " (" + metadata.architecture + "); serve it with DJL Serving:");
        System.out.println("  djl-serving -m " + metadata.architecture + "=file://" + output.toAbsolutePath());
        System.out.println("  (with attentionzoo-model-zoo and attentionzoo-layers jars in DJL Serving's deps/ folder)");
        return 0;
    }
}
