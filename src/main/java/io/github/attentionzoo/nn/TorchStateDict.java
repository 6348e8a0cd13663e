package io.github.attentionzoo.nn;

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
            params.get(i).getValue().getArray().set(values.get(i));
        }
    }

    /**
     * Names of a convolution's tensors.
     *
     * @param prefix the module's name, e.g. {@code layer1.0.conv1}
     * @param bias whether it has a bias
     * @return the names
     */
    public static List<String> conv(String prefix, boolean bias) {
        return bias ? List.of(prefix + ".weight", prefix + ".bias") : List.of(prefix + ".weight");
    }

    /**
     * Names of a BatchNorm's tensors, in DJL's order (γ, β, running mean, running variance).
     *
     * @param prefix the module's name
     * @return the names
     */
    public static List<String> batchNorm(String prefix) {
        return List.of(prefix + ".weight", prefix + ".bias", prefix + ".running_mean", prefix + ".running_var");
    }

    /** How a PyTorch SE module names its two linear layers (the excitation MLP). */
    public enum SeNames {
        /** senet.pytorch's {@code SELayer}: {@code fc = Sequential(Linear, ReLU, Linear, Sigmoid)}. */
        SENET("fc.0", "fc.2"),
        /** An {@code SEBlock} with a pooling mode: {@code fc_layers = Sequential(Linear, ReLU, Linear, Sigmoid)}. */
        FC_LAYERS("fc_layers.0", "fc_layers.2"),
        /** Two named linear layers, {@code fc1} and {@code fc2}, as in the seed SimpleCNN's SE block. */
        FC1_FC2("fc1", "fc2");

        private final String first;
        private final String second;

        SeNames(String first, String second) {
            this.first = first;
            this.second = second;
        }

        /**
         * Returns the name of the squeezing linear layer's weight below {@code prefix}.
         *
         * @param prefix the SE module's name, e.g. {@code layer1.0.se}; empty for a bare layer
         * @return e.g. {@code layer1.0.se.fc.0.weight}
         */
        public String firstWeight(String prefix) {
            return (prefix.isEmpty() ? "" : prefix + ".") + first + ".weight";
        }

        /**
         * Returns the prefix of the SE module whose squeezing weight this is, or null when the
         * tensor name is no such weight in this layout.
         *
         * @param tensorName a state_dict key
         * @return the module's prefix ("" for a bare layer), or null
         */
        public String prefixOf(String tensorName) {
            String suffix = first + ".weight";
            if (tensorName.equals(suffix)) {
                return "";
            }
            return tensorName.endsWith("." + suffix)
                    ? tensorName.substring(0, tensorName.length() - suffix.length() - 1) : null;
        }
    }

    /**
     * Names of senet.pytorch's {@code SELayer} ({@code fc.0}, {@code fc.2}).
     *
     * @param prefix the module's name, e.g. {@code layer1.0.se}; empty for a bare layer
     * @param bias whether its linear layers have biases
     * @return the names
     */
    public static List<String> squeezeExcitation(String prefix, boolean bias) {
        return squeezeExcitation(prefix, bias, SeNames.SENET);
    }

    /**
     * Names of an SE module's parameters in one of the PyTorch layouts (avg or max squeeze alike:
     * pooling has no parameters).
     *
     * @param prefix the module's name, e.g. {@code se1}; empty for a bare layer
     * @param bias whether its linear layers have biases
     * @param layout how the module names its linear layers
     * @return the names
     */
    public static List<String> squeezeExcitation(String prefix, boolean bias, SeNames layout) {
        String p = prefix.isEmpty() ? "" : prefix + ".";
        List<String> names = new ArrayList<>(conv(p + layout.first, bias));
        names.addAll(conv(p + layout.second, bias));
        return names;
    }

    /**
     * Names of senet.pytorch's {@code CifarSEBasicBlock} ({@code conv1, bn1, conv2, bn2, se,
     * downsample.0/1}), in {@link SEBasicBlock}'s order.
     *
     * @param prefix the module's name, e.g. {@code layer2.0}; empty for a bare block
     * @param se whether the block has SE
     * @param downsample whether it has a projection shortcut
     * @return the names
     */
    public static List<String> basicBlock(String prefix, boolean se, boolean downsample) {
        return basicBlock(prefix, se, downsample, 0);
    }

    /**
     * Names of a basic block whose first convolution may be a Selective Kernel unit named {@code
     * sk} (the SK-ResNet block of {@code training/gpu/train_torch.py}), in {@link SEBasicBlock}'s
     * order.
     *
     * @param prefix the module's name, e.g. {@code layer2.0}; empty for a bare block
     * @param se whether the block has SE
     * @param downsample whether it has a projection shortcut
     * @param skBranches the SK unit's kernel count, or 0 for a plain {@code conv1, bn1}
     * @return the names
     */
    public static List<String> basicBlock(String prefix, boolean se, boolean downsample, int skBranches) {
        String p = prefix.isEmpty() ? "" : prefix + ".";
        List<String> names = new ArrayList<>();
        if (skBranches > 0) {
            names.addAll(selectiveKernel(p + "sk", skBranches, false, true));
        } else {
            names.addAll(conv(p + "conv1", false));
            names.addAll(batchNorm(p + "bn1"));
        }
        names.addAll(conv(p + "conv2", false));
        names.addAll(batchNorm(p + "bn2"));
        if (se) {
            names.addAll(squeezeExcitation(p + "se", false));
        }
        if (downsample) {
            names.addAll(conv(p + "downsample.0", false));
            names.addAll(batchNorm(p + "downsample.1"));
        }
        return names;
    }

    /**
     * Names of the seed's {@code SKAttention}, for a {@link SelectiveKernel} built with {@code
     * optConvBias(true).optFuseNormAct(false)}.
     *
     * @param prefix the module's name; empty for a bare layer
     * @param branches the number of kernels
     * @return the names
     */
    public static List<String> selectiveKernel(String prefix, int branches) {
        return selectiveKernel(prefix, branches, true, false);
    }

    /**
     * Names of a {@link SelectiveKernel}'s tensors ({@code convs.i.conv/bn}, {@code fc}, {@code
     * fc_bn} when the fuse layer has BatchNorm, {@code fcs.i}).
     *
     * @param prefix the module's name; empty for a bare layer
     * @param branches the number of kernels
     * @param convBias whether the branch convolutions have biases ({@code optConvBias})
     * @param fuseNormAct whether the fuse layer is followed by BatchNorm and ReLU ({@code optFuseNormAct})
     * @return the names
     */
    public static List<String> selectiveKernel(String prefix, int branches, boolean convBias, boolean fuseNormAct) {
        String p = prefix.isEmpty() ? "" : prefix + ".";
        List<String> names = new ArrayList<>();
        for (int i = 0; i < branches; i++) {
            names.addAll(conv(p + "convs." + i + ".conv", convBias));
            names.addAll(batchNorm(p + "convs." + i + ".bn"));
        }
        names.addAll(conv(p + "fc", !fuseNormAct));
        if (fuseNormAct) {
            names.addAll(batchNorm(p + "fc_bn"));
        }
        for (int i = 0; i < branches; i++) {
            names.addAll(conv(p + "fcs." + i, true));
        }
        return names;
    }
}
