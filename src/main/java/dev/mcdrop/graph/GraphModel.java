package dev.mcdrop.graph;

import dev.mcdrop.model.Shape;
import dev.mcdrop.model.Weights;
import java.util.Map;

/**
 * A network as the engine runs it: a {@link Graph} (structure and weights), how its input is
 * prepared from pixels ({@link InputTransform}), a name for messages, and the metadata its file
 * carried. Every source ends here: a chain safetensors file ({@link #fromChain}), a graph
 * safetensors file, an ONNX model, a preset. The predictor, {@code info} and {@code bench} take
 * this.
 *
 * <p>The graph's single output holds the class scores: logits [K], or a Softmax over them, which
 * the MC reduction applies itself (a final Softmax is not run twice).
 */
public record GraphModel(String name, Graph graph, InputTransform transform, Map<String, String> metadata) {
    public GraphModel {
        if (graph.outputs().size() != 1) {
            throw new GraphException("graph " + graph.name() + " has " + graph.outputs().size()
                    + " outputs; mcdrop predicts from one output of class scores");
        }
        TensorShape out = graph.shape(graph.outputs().getFirst());
        if (out.elements() < 1 || (out.rank() != 1 && out.elements() != out.channels())) {
            throw new GraphException("graph " + graph.name() + ": output " + graph.outputs().getFirst() + " is " + out
                    + "; mcdrop needs class scores [N, classes]");
        }
        transform.requireChannels(graph.input().shape().channels());
        metadata = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata)); // the file's order
    }

    /** A chain network (safetensors with a chain architecture, a chain preset) as a graph: same masks, same numbers. */
    public static GraphModel fromChain(Weights weights) {
        return new GraphModel(weights.network().architecture().name(), Graph.fromChain(weights),
                InputTransform.scale(weights.network().architecture().inputScale()), weights.metadata());
    }

    public Shape input() { return graph.input().shape(); }

    public int classes() { return (int) graph.shape(graph.outputs().getFirst()).elements(); }

    public GraphModel withTransform(InputTransform t) { return new GraphModel(name, graph, t, metadata); }

    public GraphModel withGraph(Graph g) { return new GraphModel(name, g, transform, metadata); }
}
