package dev.mcdrop.model;

/**
 * One layer of an architecture, as written in its JSON (docs/MODEL-FORMAT.md). Parameterised
 * layers carry a {@code name}; their tensors are {@code <name>.weight} and {@code <name>.bias} in
 * PyTorch layout (conv OIHW, dense out×in). A PyTorch {@code nn.Sequential} state_dict ("0.weight",
 * "3.weight", …) loads too: {@link WeightsFile} also matches tensors by layer position.
 */
public sealed interface Layer {
    /** JSON "type". */
    String type();

    record Conv2d(String name, int filters, int kernel, int stride, int padding) implements Layer {
        public String type() { return "conv2d"; }
    }

    record Dense(String name, int units) implements Layer {
        public String type() { return "dense"; }
    }

    record Pool(boolean max, int kernel, int stride) implements Layer {
        public String type() { return max ? "maxpool" : "avgpool"; }
    }

    record Relu() implements Layer {
        public String type() { return "relu"; }
    }

    /** Dropout with drop probability p: per element (the paper's default) or per channel. */
    record Dropout(float p, boolean perChannel) implements Layer {
        public String type() { return "dropout"; }
    }

    record Flatten() implements Layer {
        public String type() { return "flatten"; }
    }

    record Softmax() implements Layer {
        public String type() { return "softmax"; }
    }
}
