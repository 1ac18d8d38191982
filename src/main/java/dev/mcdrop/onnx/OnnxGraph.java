package dev.mcdrop.onnx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The main graph of a model (GraphProto), as written: nodes in file order, initializers by name.
 * Nothing here checks that the graph is well formed as a computation (values defined before use,
 * no cycles, operators known): that is the importer's job; this record is what the file says,
 * with every field that was read checked for its own consistency.
 *
 * @param name         the graph's name
 * @param nodes        the nodes in file order (index = position)
 * @param initializers constant tensors by name, in file order (names unique and non-empty)
 * @param inputs       declared inputs; older files (IR version < 4) list initializers here too,
 *                     see {@link #runtimeInputs()}
 * @param outputs      declared outputs
 * @param valueInfo    optional declarations of intermediate values
 * @param origin       where it was read
 */
public record OnnxGraph(String name, List<OnnxNode> nodes, Map<String, OnnxTensor> initializers, List<OnnxValueInfo> inputs,
                        List<OnnxValueInfo> outputs, List<OnnxValueInfo> valueInfo, Origin origin) {

    public OnnxGraph {
        nodes = List.copyOf(nodes);
        initializers = Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        valueInfo = List.copyOf(valueInfo);
    }

    /** The initializer {@code name}, if there is one. */
    public Optional<OnnxTensor> initializer(String name) {
        return Optional.ofNullable(initializers.get(name));
    }

    /** The inputs a caller must feed: the declared inputs that are not initializers. */
    public List<OnnxValueInfo> runtimeInputs() {
        return inputs.stream().filter(v -> !initializers.containsKey(v.name())).toList();
    }

    /** The declaration of {@code name} among inputs, outputs and value_info (first found), if any. */
    public Optional<OnnxValueInfo> declaration(String name) {
        for (List<OnnxValueInfo> list : List.of(inputs, outputs, valueInfo)) {
            for (OnnxValueInfo v : list) {
                if (v.name().equals(name)) return Optional.of(v);
            }
        }
        return Optional.empty();
    }
}
