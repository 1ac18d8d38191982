package dev.mcdrop.model;

import dev.mcdrop.io.SafeTensorsFile;
import dev.mcdrop.io.NamedTensor;
import dev.mcdrop.io.Names;
import dev.mcdrop.io.SafeTensorsWriter;
import dev.mcdrop.io.WeightsFormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@link Weights} ⇄ safetensors. The architecture travels in the file's
 * {@code __metadata__["architecture"]} as JSON, so a file describes its own network; a plain
 * PyTorch {@code state_dict} file (no architecture) loads when the caller supplies one, its tensors
 * found by layer name or by {@code nn.Sequential} position ({@link TensorNames}). The file is
 * memory-mapped; every tensor's presence, shape and finiteness is checked.
 */
public final class WeightsFile {
    public static final String ARCHITECTURE_KEY = "architecture";

    private WeightsFile() {}

    /** Loads a file that carries its architecture in its metadata. */
    public static Weights load(Path file) throws IOException {
        return load(file, null);
    }

    /**
     * Loads {@code file}; {@code architecture} overrides (or supplies, for a plain PyTorch
     * state_dict) the one in the metadata. Every tensor's presence, shape and finiteness is
     * checked; extra tensors are an error too.
     */
    public static Weights load(Path file, Architecture architecture) throws IOException {
        try (SafeTensorsFile st = SafeTensorsFile.open(file)) {
            Map<String, String> meta = st.metadata();
            if (architecture == null) {
                String json = meta.get(ARCHITECTURE_KEY);
                if (json == null) {
                    throw new WeightsFormatException(file + ": no '" + ARCHITECTURE_KEY
                            + "' in __metadata__; give the architecture (--arch FILE.json or a preset name)");
                }
                try {
                    architecture = ArchitectureJson.parse(json, file + " __metadata__." + ARCHITECTURE_KEY);
                } catch (ArchitectureException e) {
                    throw new WeightsFormatException(e.getMessage());
                }
            }
            Network network;
            try {
                network = architecture.compile();
            } catch (ArchitectureException e) {
                throw new WeightsFormatException(file + ": " + e.getMessage());
            }
            TensorNames.Match match = TensorNames.match(file, network, st.names());
            TreeSet<String> extra = new TreeSet<>(st.names());
            Map<String, float[]> tensors = new LinkedHashMap<>();
            for (ParamSpec p : network.params()) {
                String name = match.fileNameOf().get(p.tensorName());
                extra.remove(name);
                long[] shape = st.info(name).shape();
                if (!Arrays.equals(shape, p.longShape())) {
                    String as = match.how().isEmpty() ? "" : " (" + Names.quote(p.tensorName()) + " of architecture "
                            + Names.quote(architecture.name()) + ", " + match.how() + ")";
                    throw new WeightsFormatException(file + ": tensor " + WeightsFormatException.quote(name) + as
                            + ": shape " + Arrays.toString(shape) + ", expected " + Arrays.toString(p.longShape()));
                }
                float[] data = st.readFloats(name);
                for (int i = 0; i < data.length; i++) {
                    if (!Float.isFinite(data[i])) {
                        throw new WeightsFormatException(file + ": tensor " + WeightsFormatException.quote(name)
                                + ": element " + i + " is " + data[i]);
                    }
                }
                tensors.put(p.tensorName(), data);
            }
            if (!extra.isEmpty()) {
                throw new WeightsFormatException(file + ": tensor(s) " + TensorNames.list(extra) + " are not used by architecture "
                        + Names.quote(architecture.name()) + (match.how().isEmpty() ? "" : " (matched " + match.how() + ")")
                        + "; only conv2d and dense layers have tensors here (no batch norm)");
            }
            Map<String, String> kept = new LinkedHashMap<>(meta);
            kept.put(ARCHITECTURE_KEY, ArchitectureJson.toJson(architecture));
            return new Weights(network, tensors, kept);
        }
    }

    /** Writes the weights with the architecture and {@code extraMetadata} in {@code __metadata__}. */
    public static void save(Weights weights, Path file, Map<String, String> extraMetadata) throws IOException {
        Network network = weights.network();
        Map<String, String> meta = new LinkedHashMap<>(weights.metadata());
        meta.putAll(extraMetadata);
        meta.put(ARCHITECTURE_KEY, ArchitectureJson.toJson(network.architecture()));
        meta.put("format", "mcdrop");
        List<NamedTensor> list = new ArrayList<>();
        for (ParamSpec p : network.params()) {
            list.add(new NamedTensor(p.tensorName(), p.shape(), weights.tensor(p.tensorName())));
        }
        SafeTensorsWriter.write(file, meta, list);
    }
}
