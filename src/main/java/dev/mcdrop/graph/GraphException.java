package dev.mcdrop.graph;

/**
 * A graph that cannot be built or run: a tensor defined twice or never, nodes out of topological
 * order (or a cycle), an operator given the wrong inputs, shapes that do not fit, sizes beyond
 * {@link GraphLimits}. Always one line naming the node and its op type ("node 'conv1' (Conv): …").
 */
public final class GraphException extends IllegalArgumentException {
    public GraphException(String message) { super(message); }
}
