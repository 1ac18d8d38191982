package dev.mcdrop.graph;

import dev.mcdrop.io.NamedTensor;
import dev.mcdrop.io.Names;
import dev.mcdrop.io.SafeTensorsFile;
import dev.mcdrop.io.SafeTensorsWriter;
import dev.mcdrop.io.WeightsFormatException;
import dev.mcdrop.model.Architecture;
import dev.mcdrop.model.WeightsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@link GraphModel} ⇄ safetensors. A graph file carries its structure as {@link GraphJson} in
 * {@code __metadata__["mcdrop.graph"]} and one tensor per initializer, under the initializer's name;
 * a chain file (the architecture JSON under {@code __metadata__["architecture"]}, or a plain PyTorch
 * state_dict with an architecture given) loads as before through {@link WeightsFile} and becomes a
 * graph with {@link GraphModel#fromChain}, same masks and numbers. Every tensor's presence, shape
 * and finiteness is checked, extra tensors are refused; each refusal is one line naming the file
 * and the field or tensor (docs/MODEL-FORMAT.md, "Graph models").
 */
public final class GraphModels {
    /** The metadata key of a graph file's structure. */
    public static final String GRAPH_KEY = "mcdrop.graph";

    private GraphModels() {}

    /** Loads a graph file or a chain file that carries its architecture. */
    public static GraphModel load(Path file) throws IOException { return load(file, null); }

    /**
     * Loads {@code file}: a graph file (its {@code mcdrop.graph} metadata), else a chain file;
     * {@code architecture}, when given, is the chain architecture of a plain state_dict (or
     * overrides a chain file's own) and is refused for a graph file, which describes itself.
     */
    public static GraphModel load(Path file, Architecture architecture) throws IOException {
        String json;
        try (SafeTensorsFile st = SafeTensorsFile.open(file)) {
            json = st.metadata().get(GRAPH_KEY);
            if (json != null) {
                if (architecture != null) {
                    throw new WeightsFormatException(file + ": holds a graph ('" + GRAPH_KEY + "' in __metadata__); an architecture "
                            + Names.quote(architecture.name()) + " applies only to chain files and state_dicts");
                }
                if (st.metadata().containsKey(WeightsFile.ARCHITECTURE_KEY)) {
                    throw new WeightsFormatException(file + ": __metadata__ holds both '" + GRAPH_KEY + "' and '"
                            + WeightsFile.ARCHITECTURE_KEY + "'; which one describes the tensors is a guess");
                }
                return loadGraph(file, st, json);
            }
            if (architecture == null && !st.metadata().containsKey(WeightsFile.ARCHITECTURE_KEY)) {
                throw new WeightsFormatException(file + ": no '" + GRAPH_KEY + "' or '" + WeightsFile.ARCHITECTURE_KEY
                        + "' in __metadata__; give the architecture (--arch FILE.json or a preset name)");
            }
        }
        return GraphModel.fromChain(WeightsFile.load(file, architecture));
    }

    private static GraphModel loadGraph(Path file, SafeTensorsFile st, String json) throws IOException {
        String source = file + " __metadata__." + GRAPH_KEY;
        GraphJson.Structure s;
        try {
            s = GraphJson.parse(json, source);
        } catch (GraphException e) {
            throw new WeightsFormatException(e.getMessage());
        }
        Set<String> declared = new HashSet<>();
        List<Initializer.Values> values = new ArrayList<>(s.initializers().size());
        for (GraphJson.TensorSpec spec : s.initializers()) {
            String name = spec.name();
            if (!declared.add(name)) throw new WeightsFormatException(source + ": initializer " + Names.quote(name) + " is listed twice");
            if (!st.contains(name)) {
                throw new WeightsFormatException(file + ": tensor " + Names.quote(name) + " (an initializer of graph "
                        + Names.quote(s.name()) + ") is missing");
            }
            long[] shape = st.info(name).shape();
            if (!Arrays.equals(shape, Arrays.stream(spec.shape()).asLongStream().toArray())) {
                throw new WeightsFormatException(file + ": tensor " + Names.quote(name) + ": shape " + Arrays.toString(shape)
                        + ", but the graph declares " + Arrays.toString(spec.shape()));
            }
            float[] data = st.readFloats(name);
            for (int i = 0; i < data.length; i++) {
                if (!Float.isFinite(data[i])) throw new WeightsFormatException(file + ": tensor " + Names.quote(name) + ": element " + i + " is " + data[i]);
            }
            values.add(new Initializer.Floats(data));
        }
        TreeSet<String> extra = new TreeSet<>(st.names());
        extra.removeAll(declared);
        if (!extra.isEmpty()) {
            throw new WeightsFormatException(file + ": tensor(s) " + Names.list(extra) + " are not initializers of graph " + Names.quote(s.name()));
        }
        Map<String, String> metadata = new LinkedHashMap<>(st.metadata());
        metadata.remove(GRAPH_KEY);
        try {
            return s.build(values, metadata);
        } catch (GraphException e) {
            throw new WeightsFormatException(e.getMessage());
        }
    }

    /** {@link #save(GraphModel, Path, Map)} without extra metadata. */
    public static void save(GraphModel model, Path file) throws IOException { save(model, file, Map.of()); }

    /**
     * Writes {@code model} as a graph file (atomically: {@link SafeTensorsWriter} goes through
     * io/AtomicFile): its metadata and {@code extraMetadata}, the graph JSON under
     * {@link #GRAPH_KEY}, and every initializer as an F32 tensor of its name (a float64 initializer,
     * such as a folded weight, rounded once to float). A chain model's "architecture" metadata is
     * dropped: the graph replaces it.
     */
    public static void save(GraphModel model, Path file, Map<String, String> extraMetadata) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(model.metadata());
        meta.putAll(extraMetadata);
        meta.remove(WeightsFile.ARCHITECTURE_KEY);
        meta.put(GRAPH_KEY, GraphJson.toJson(model));
        meta.put("format", "mcdrop");
        List<NamedTensor> tensors = new ArrayList<>();
        for (Initializer i : model.graph().initializers()) tensors.add(new NamedTensor(i.name(), i.dims(), floats(i)));
        SafeTensorsWriter.write(file, meta, tensors);
    }

    private static float[] floats(Initializer i) {
        if (i.values() instanceof Initializer.Floats f) return f.data();
        float[] out = new float[i.length()];
        for (int k = 0; k < out.length; k++) out[k] = (float) i.get(k);
        return out;
    }
}
