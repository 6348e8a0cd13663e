package io.github.attentionzoo.blockkinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import io.github.attentionzoo.nn.AttentionRecorder;
import io.github.attentionzoo.nn.BasicBlock;
import io.github.attentionzoo.nn.ResidualBlock;
import io.github.attentionzoo.nn.SqueezeExcitation;
import io.github.attentionzoo.zoo.arch.MaxPool2dBlock;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The mapping from block class to kind is complete: a new layer cannot be forgotten. */
class BlockKindsTest {

    /** Every concrete block class of the layers artifact ({@code nn}) and of the zoo's {@code arch}. */
    @Test
    void everyBlockClassHasAKind() throws Exception {
        List<Class<?>> blocks = new ArrayList<>();
        blocks.addAll(blockClasses(SqueezeExcitation.class));
        blocks.addAll(blockClasses(MaxPool2dBlock.class));
        assertTrue(blocks.size() >= 9, "the scan found too few block classes to be trusted: " + blocks);
        List<String> missing = blocks.stream().filter(c -> !BlockKinds.all().containsKey(c))
                .map(Class::getName).toList();
        assertEquals(List.of(), missing, "block classes without a kind: give each one in BlockKinds");
    }

    @Test
    void exportTakesTheOwnClassAndSummaryTheNearest() {
        Block sub = new SequentialBlock() {};
        assertNull(BlockKinds.of(sub));
        assertSame(BlockKinds.of(new SequentialBlock()), BlockKinds.nearest(sub));
        Block basic = BasicBlock.builder().setInChannels(4).setChannels(4).build();
        assertSame(BlockKinds.all().get(ResidualBlock.class), BlockKinds.of(basic));
        assertSame(BlockKinds.of(basic), BlockKinds.nearest(basic));
    }

    @Test
    void attentionKindsNameWhatTheLayersRecord() {
        assertEquals(AttentionRecorder.GATES, BlockKinds.SQUEEZE_EXCITATION.recordKind());
        assertEquals(AttentionRecorder.BRANCH_WEIGHTS, BlockKinds.SELECTIVE_KERNEL.recordKind());
        assertNull(BlockKinds.of(new SequentialBlock()).recordKind());
    }

    /** The concrete Block classes in {@code anchor}'s package, read from its directory or jar. */
    private static List<Class<?>> blockClasses(Class<?> anchor) throws IOException, URISyntaxException {
        String pkg = anchor.getPackageName();
        String dir = pkg.replace('.', '/') + "/";
        Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.list(location.resolve(dir))) {
                files.map(p -> p.getFileName().toString()).forEach(names::add);
            }
        } else {
            try (JarFile jar = new JarFile(location.toFile())) {
                jar.stream().map(e -> e.getName()).filter(n -> n.startsWith(dir) && n.indexOf('/', dir.length()) < 0)
                        .map(n -> n.substring(dir.length())).forEach(names::add);
            }
        }
        List<Class<?>> blocks = new ArrayList<>();
        for (String name : names) {
            if (!name.endsWith(".class") || name.equals("package-info.class")) {
                continue;
            }
            Class<?> c;
            try {
                c = Class.forName(pkg + "." + name.substring(0, name.length() - ".class".length()), false,
                        anchor.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            if (Block.class.isAssignableFrom(c) && !c.isInterface() && !Modifier.isAbstract(c.getModifiers())
                    && !c.isAnonymousClass() && !c.isSynthetic()) {
                blocks.add(c);
            }
        }
        return blocks;
    }
}
