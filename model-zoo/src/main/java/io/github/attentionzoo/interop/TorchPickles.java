package io.github.attentionzoo.interop;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Recognizes PyTorch's own files, {@code torch.save} (zip or legacy) and {@code torch.jit.save},
 * by their container alone, so that they are refused with a way out instead of as a damaged
 * {@code .npz} or {@code .safetensors}. Their pickles are never run: unpickling executes whatever
 * code the file names, which is why the project reads NumPy and safetensors files only.
 */
final class TorchPickles {

    /** The conversion the messages and docs/pytorch-interop.md give: %1$s loads the file, %2$s is its stem. */
    private static final String CONVERT = "python3 -c \"import torch, numpy; sd = %1$s; numpy.savez('%2$s.npz',"
            + " **{k: v.numpy() for k, v in sd.items()})\"";
    private static final String LOAD = "torch.load('%s', map_location='cpu', weights_only=True)";
    private static final String LOAD_SCRIPT = "torch.jit.load('%s', map_location='cpu').state_dict()";

    private TorchPickles() {}

    /**
     * Returns why a file is a PyTorch pickle, or null when it is not one.
     *
     * @param file the file
     * @return a one-line refusal naming the file and saying how to convert it, or null
     * @throws IOException when the file cannot be read
     */
    static String refusal(Path file) throws IOException {
        String kind = kind(file);
        if (kind == null) {
            return null;
        }
        String name = file.getFileName().toString();
        String stem = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
        String load = String.format(kind.startsWith("a TorchScript") ? LOAD_SCRIPT : LOAD, name);
        return file + ": " + kind + ", which attentionzoo does not unpickle on purpose (loading a"
                + " pickle runs the code it names); save the state_dict as NumPy arrays once: "
                + String.format(CONVERT, load, stem)
                + " (or as .safetensors with safetensors.torch.save_file)";
    }

    /** What kind of PyTorch file it is, in words, or null. */
    private static String kind(Path file) throws IOException {
        byte[] head = new byte[2];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, 2) < 2) {
                return null;
            }
        }
        // Pickle protocols 2 to 5 begin with PROTO (0x80) and the protocol number; torch.save's
        // legacy format is pickles end to end.
        if ((head[0] & 0xFF) == 0x80 && head[1] >= 2 && head[1] <= 5) {
            return "a PyTorch pickle (torch.save's legacy format)";
        }
        if (head[0] != 'P' || head[1] != 'K') {
            return null;
        }
        boolean pickle = false;
        boolean script = false;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                String entry = entries.nextElement().getName();
                pickle |= entry.endsWith(".pkl");
                script |= entry.endsWith("/constants.pkl") || entry.contains("/code/");
            }
        } catch (ZipException e) {
            return null;
        }
        if (script) {
            return "a TorchScript model (torch.jit.save), whose parts are pickles";
        }
        return pickle ? "a PyTorch pickle (torch.save)" : null;
    }
}
