package dev.mcdrop.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A network as data: the input (shape and the scale applied to raw 0–255 pixels) and the layer
 * list. {@link #compile()} checks that every shape chains and returns the {@link Network}.
 */
public record Architecture(String name, Shape input, float inputScale, List<Layer> layers) {
    public Architecture {
        layers = List.copyOf(layers);
    }

    public Network compile() { return Network.compile(this); }

    /**
     * The name as every listing, summary, card or settings file shows it: control characters
     * escaped and a long name shortened ({@link dev.mcdrop.io.Names#display}), since the name
     * comes from a file and a newline in it would forge a line. The same as {@link #name} for an
     * ordinary name.
     */
    public String displayName() { return dev.mcdrop.io.Names.display(name, dev.mcdrop.io.Names.MAX_NAME); }

    /** Number of dropout layers. */
    public int dropoutCount() {
        return (int) layers.stream().filter(l -> l instanceof Layer.Dropout).count();
    }

    /** The same network with every dropout probability replaced (0 removes dropout entirely). */
    public Architecture withoutDropout() {
        List<Layer> kept = new ArrayList<>();
        for (Layer l : layers) if (!(l instanceof Layer.Dropout)) kept.add(l);
        return new Architecture(name, input, inputScale, kept);
    }
}
