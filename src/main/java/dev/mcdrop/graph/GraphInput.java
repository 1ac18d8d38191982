package dev.mcdrop.graph;

import dev.mcdrop.model.Shape;
import java.util.Objects;

/** The graph's one image input: a tensor [N, C, H, W], the batch N implicit. */
public record GraphInput(String name, Shape shape) {
    public GraphInput {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shape, "shape");
    }

    public TensorShape tensorShape() { return TensorShape.image(shape); }
}
