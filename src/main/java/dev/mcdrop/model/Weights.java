package dev.mcdrop.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A network's parameters on the host, in PyTorch layout (conv OIHW, dense out×in), keyed by
 * tensor name, with the free-form metadata of the file they came from. {@link WeightsFile} reads
 * and writes them as safetensors.
 */
public final class Weights {
    private final Network network;
    private final Map<String, float[]> tensors;
    private final Map<String, String> metadata;

    public Weights(Network network, Map<String, float[]> tensors, Map<String, String> metadata) {
        this.network = network;
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        for (ParamSpec p : network.params()) {
            float[] t = tensors.get(p.tensorName());
            if (t == null || t.length != p.elements()) {
                throw new IllegalArgumentException("tensor " + p.tensorName() + " missing or of wrong size");
            }
        }
    }

    public Network network() { return network; }

    public float[] tensor(String name) {
        float[] t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException("no tensor " + name);
        return t;
    }

    public Map<String, float[]> tensors() { return tensors; }

    public Map<String, String> metadata() { return metadata; }
}
