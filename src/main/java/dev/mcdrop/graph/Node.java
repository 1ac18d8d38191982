package dev.mcdrop.graph;

import dev.mcdrop.io.Names;
import java.util.List;
import java.util.Objects;

/** One operator application: {@code outputs = op(inputs)}, tensors referred to by name (ONNX's NodeProto). */
public record Node(String name, Op op, List<String> inputs, List<String> outputs) {
    public Node {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(op, "op");
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** A node with one input and one output. */
    public static Node of(String name, Op op, String input, String output) {
        return new Node(name, op, List.of(input), List.of(output));
    }

    public String input(int i) { return inputs.get(i); }

    /** The (first) output. */
    public String output() { return outputs.getFirst(); }

    /** {@code node 'conv1' (Conv)}: how every message names it. */
    public String describe() { return "node " + Names.quote(name) + " (" + op.type() + ")"; }
}
