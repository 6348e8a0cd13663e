package io.github.attentionzoo.interop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.PairList;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A PyTorch {@code state_dict} (saved as {@code .npz} or {@code .safetensors}) and the mapping of
 * its names onto a block's parameters. Everything is checked before anything is copied, so a
 * missing, extra or mis-shaped tensor fails with its name and the block is left untouched.
 *
 * <p>The name helpers spell PyTorch's layouts: {@code conv.weight}, BatchNorm's {@code weight,
 * bias, running_mean, running_var}, senet.pytorch's {@code se.fc.0 / se.fc.2}, the seed's {@code
 * SKAttention} ({@code convs.i.conv/bn}, {@code fc}, {@code fcs.i}).
 */
public final class TorchStateDict {

    private final Map<String, NDArray> tensors;
    private final String source;

    private TorchStateDict(Map<String, NDArray> tensors, String source) {
        this.tensors = tensors;
        this.source = source;
    }

    /**
     * Reads a state_dict file.
     *
     * @param manager where the arrays live
     * @param file a {@code .npz} (numpy {@code savez}) or {@code .safetensors} file
     * @return the state dict
     * @throws IOException when the file is missing or not one of those formats (naming it)
     */
    public static TorchStateDict read(NDManager manager, Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "state_dict file not found");
        }
        StateDictFiles.check(file);
        NDList list;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            list = NDList.decode(manager, in);
        } catch (RuntimeException e) {
            throw new IOException(file + ": not a readable .npz or .safetensors state_dict (" + e.getMessage() + ")", e);
        }
        return of(list, file.toString());
    }

    /**
     * Wraps named arrays.
     *
     * @param list arrays named as in the state_dict
     * @param source where they came from, for messages
     * @return the state dict
     */
    public static TorchStateDict of(NDList list, String source) {
        Map<String, NDArray> map = new LinkedHashMap<>();
        for (NDArray array : list) {
            String name = array.getName();
            if (name == null) {
                throw new IllegalArgumentException(source + ": holds an unnamed tensor; save a dict {name: array}");
            }
            map.put(name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name, array);
        }
        return new TorchStateDict(map, source);
    }

    /**
     * Returns a tensor by name, or null.
     *
     * @param name the PyTorch name
     * @return the tensor or null
     */
    public NDArray get(String name) {
        return tensors.get(name);
    }

    /**
     * Returns all tensor names, in file order.
     *
     * @return the names
     */
    public List<String> names() {
        return new ArrayList<>(tensors.keySet());
    }

    /**
     * Copies the tensors into an initialized block, pairing {@code torchNames} with the block's
     * parameters in order.
     *
     * @param block the block, initialized
     * @param torchNames one PyTorch name per parameter of the block, in the block's order
     * @throws IllegalArgumentException naming the tensor when one is missing, extra or mis-shaped
     */
    public void loadInto(Block block, List<String> torchNames) {
        PairList<String, Parameter> params = block.getParameters();
        if (params.size() != torchNames.size()) {
            throw new IllegalStateException("layout lists " + torchNames.size() + " tensors for "
                    + params.size() + " parameters of " + block.getClass().getSimpleName());
        }
        List<String> problems = new ArrayList<>();
        for (String name : torchNames) {
            if (!tensors.containsKey(name)) {
                problems.add("missing tensor '" + name + "'");
            }
        }
        for (String name : tensors.keySet()) {
            if (!torchNames.contains(name) && !name.endsWith("num_batches_tracked")) {
                problems.add("unexpected tensor '" + name + "'");
            }
        }
        for (int i = 0; i < torchNames.size(); i++) {
            NDArray t = tensors.get(torchNames.get(i));
            Parameter p = params.get(i).getValue();
            if (t != null && !t.getShape().equals(p.getArray().getShape())) {
                problems.add("tensor '" + torchNames.get(i) + "' has shape " + t.getShape()
                        + ", expected " + p.getArray().getShape() + " (" + params.get(i).getKey() + ")");
            }
            if (t != null && !t.getDataType().isFloating()) {
                problems.add("tensor '" + torchNames.get(i) + "' is " + t.getDataType() + ", expected floating point");
            }
        }
        if (!problems.isEmpty()) {
            int shown = Math.min(problems.size(), 8);
            throw new IllegalArgumentException(source + ": " + String.join("; ", problems.subList(0, shown))
                    + (problems.size() > shown ? "; and " + (problems.size() - shown) + " more" : ""));
        }
        List<float[]> values = new ArrayList<>(torchNames.size());
        for (String name : torchNames) {
            float[] v = tensors.get(name).toType(DataType.FLOAT32, false).toFloatArray();
            for (float x : v) {
                if (!Float.isFinite(x)) {
                    problems.add("tensor '" + name + "' holds " + x + " values");
                    break;
                }
            }
            values.add(v);
        }
        if (!problems.isEmpty()) {
            // A NaN or Inf weight makes every prediction NaN; refuse it before anything is copied.
            throw new IllegalArgumentException(source + ": " + String.join("; ", problems));
        }
        for (int i = 0; i < torchNames.size(); i++) {
            NDArray target = params.get(i).getValue().getArray();
            // An indexed assignment: DJL 0.35.1's NDArray.set(Buffer) prints libtorch's AutoNonVariableTypeMode warning.
            try (NDArray v = target.getManager().create(values.get(i), target.getShape())) {
                target.set(new ai.djl.ndarray.index.NDIndex("..."), v);
            }
        }
    }
}
