package dev.mcdrop.model;

import dev.mcdrop.io.Names;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An {@link Architecture} whose shapes have been checked: each layer with its input and output
 * shape, the parameter tensors it needs, the number of classes and where the first dropout sits
 * (everything before it is deterministic and runs once per image in MC prediction).
 * Compiling is linear in the layers (names and parameters are looked up by hash); every field
 * and size is bounded as {@link ArchitectureLimits} says.
 */
public final class Network {

    /** A layer at position {@code index} with its input and output shapes; {@link #describe()} names it, with a dropout's rate. */
    public record Stage(int index, Layer layer, Shape in, Shape out) {
        public String describe() {
            String n = switch (layer) {
                case Layer.Conv2d c -> " " + Names.quote(c.name());
                case Layer.Dense d -> " " + Names.quote(d.name());
                case Layer.Dropout d -> " p=" + d.p() + (d.perChannel() ? " per channel" : "");
                default -> "";
            };
            return "layer " + index + " (" + layer.type() + n + ")";
        }
    }

    private final Architecture architecture;
    private final List<Stage> stages;
    private final List<ParamSpec> params;
    private final Map<String, ParamSpec> paramsByName = new HashMap<>();
    private final int classes;
    private final int firstDropout;

    private Network(Architecture architecture, List<Stage> stages, List<ParamSpec> params, int classes, int firstDropout) {
        this.architecture = architecture;
        this.stages = List.copyOf(stages);
        this.params = List.copyOf(params);
        for (ParamSpec p : this.params) paramsByName.put(p.tensorName(), p);
        this.classes = classes;
        this.firstDropout = firstDropout;
    }

    static Network compile(Architecture a) {
        String where = "architecture " + Names.quote(a.name());
        if (a.layers().isEmpty()) throw new ArchitectureException(where + ": no layers");
        ArchitectureLimits.checkLayerCount(a.layers().size(), where);
        ArchitectureLimits.checkInput(a.input(), where);
        if (!(a.inputScale() > 0 && Float.isFinite(a.inputScale()))) {
            throw new ArchitectureException(where + ": input scale must be a positive number, got " + a.inputScale());
        }
        List<Stage> stages = new ArrayList<>();
        List<ParamSpec> params = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Shape shape = a.input();
        checkSize(where + ": input", "values", shape.elements());
        int firstDropout = -1;
        for (int i = 0; i < a.layers().size(); i++) {
            Layer layer = a.layers().get(i);
            Stage probe = new Stage(i, layer, shape, shape);
            String at = where + ", " + probe.describe() + " with input " + shape;
            ArchitectureLimits.checkFields(layer, at);
            Shape out = switch (layer) {
                case Layer.Conv2d c -> {
                    if (c.filters() <= 0 || c.kernel() <= 0 || c.stride() <= 0 || c.padding() < 0) {
                        throw new ArchitectureException(at + ": filters, kernel and stride must be positive and padding >= 0");
                    }
                    long paddedHeight = shape.height() + 2L * c.padding(), paddedWidth = shape.width() + 2L * c.padding();
                    if (paddedHeight < c.kernel() || paddedWidth < c.kernel()) {
                        throw new ArchitectureException(at + ": kernel " + c.kernel() + " does not fit (padding " + c.padding() + ")");
                    }
                    long oh = (paddedHeight - c.kernel()) / c.stride() + 1, ow = (paddedWidth - c.kernel()) / c.stride() + 1;
                    long fanIn = (long) shape.channels() * c.kernel() * c.kernel();
                    checkSize(at + ": weights", "values", product(c.filters(), fanIn));
                    checkSize(at + ": output", "values per image", product(c.filters(), oh, ow));
                    checkSize(at + ": unfolded input (im2col)", "values per image", product(fanIn, oh, ow));
                    // each factor is now at most the checked products above, so the ints below cannot overflow
                    addParams(params, names, at, c.name(), new int[]{c.filters(), shape.channels(), c.kernel(), c.kernel()},
                            c.filters(), (int) fanIn, c.filters() * c.kernel() * c.kernel());
                    yield new Shape(c.filters(), (int) oh, (int) ow);
                }
                case Layer.Dense d -> {
                    if (d.units() <= 0) throw new ArchitectureException(at + ": units must be positive");
                    if (shape.height() != 1 || shape.width() != 1) {
                        throw new ArchitectureException(at + ": a dense layer needs a flat input; add a flatten layer before it");
                    }
                    addParams(params, names, at, d.name(), new int[]{d.units(), shape.channels()}, d.units(),
                            shape.channels(), d.units());
                    yield new Shape(d.units(), 1, 1);
                }
                case Layer.Pool p -> {
                    if (p.kernel() <= 0 || p.stride() <= 0) throw new ArchitectureException(at + ": kernel and stride must be positive");
                    if (p.kernel() > shape.height() || p.kernel() > shape.width()) {
                        throw new ArchitectureException(at + ": pooling kernel " + p.kernel() + " larger than the input");
                    }
                    yield new Shape(shape.channels(), (shape.height() - p.kernel()) / p.stride() + 1,
                            (shape.width() - p.kernel()) / p.stride() + 1);
                }
                case Layer.Dropout d -> {
                    if (!(d.p() >= 0f && d.p() < 1f)) throw new ArchitectureException(at + ": dropout p must be in [0, 1), got " + d.p());
                    if (firstDropout < 0) firstDropout = i;
                    yield shape;
                }
                case Layer.Relu r -> shape;
                case Layer.Flatten f -> new Shape((int) shape.elements(), 1, 1);
                case Layer.Softmax s -> {
                    if (i != a.layers().size() - 1) throw new ArchitectureException(at + ": softmax must be the last layer");
                    if (shape.height() != 1 || shape.width() != 1) throw new ArchitectureException(at + ": softmax needs a flat input");
                    yield shape;
                }
            };
            stages.add(new Stage(i, layer, shape, out));
            shape = out;
        }
        if (shape.height() != 1 || shape.width() != 1) {
            throw new ArchitectureException(where + ": the output is " + shape + ", not a vector of class scores; end with a dense layer");
        }
        if (shape.channels() < 2) {
            throw new ArchitectureException(where + ": the output has " + shape.channels() + " class(es); at least 2 are needed");
        }
        if (params.isEmpty()) throw new ArchitectureException(where + ": no conv2d or dense layer, nothing to learn");
        return new Network(a, stages, params, shape.channels(), firstDropout);
    }

    /** Per image and per tensor, nothing may exceed what a float[] of one batch column can hold, with room to spare. */
    static final long MAX_VALUES = ArchitectureLimits.MAX_VALUES;

    private static void checkSize(String what, String unit, long values) {
        if (values > MAX_VALUES) {
            String count = values == Long.MAX_VALUE ? "more than 2^63" : Long.toString(values);
            throw new ArchitectureException(what + " has " + count + " " + unit + "; this engine supports at most " + MAX_VALUES);
        }
    }

    private static long product(long... factors) {
        return ArchitectureLimits.saturatedProduct(factors);
    }

    private static void addParams(List<ParamSpec> params, Set<String> names, String at, String name, int[] weightShape,
                                  int biasLength, int fanIn, int fanOut) {
        if (name == null || name.isBlank()) throw new ArchitectureException(at + ": missing name");
        if (!names.add(name)) throw new ArchitectureException(at + ": name " + dev.mcdrop.io.Names.quote(name) + " used twice");
        checkSize(at + ": weights", "values", product(Arrays.stream(weightShape).asLongStream().toArray()));
        params.add(new ParamSpec(name + ".weight", weightShape, fanIn, fanOut, false));
        params.add(new ParamSpec(name + ".bias", new int[]{biasLength}, fanIn, fanOut, true));
    }

    public Architecture architecture() { return architecture; }

    public List<Stage> stages() { return stages; }

    public List<ParamSpec> params() { return params; }

    public ParamSpec param(String tensorName) {
        ParamSpec p = paramsByName.get(tensorName);
        if (p == null) throw new IllegalArgumentException("no parameter " + tensorName);
        return p;
    }

    public int classes() { return classes; }

    public Shape input() { return architecture.input(); }

    /** Index of the first dropout layer, or -1 when the network has none (MC = standard). */
    public int firstDropout() { return firstDropout; }

    public boolean hasDropout() { return firstDropout >= 0; }

    public long parameterCount() {
        long n = 0;
        for (ParamSpec p : params) n += p.elements();
        return n;
    }

    /** Multiply-adds of one forward pass of one image from layer {@code from} (inclusive) on. */
    public long multiplyAdds(int from) {
        long n = 0;
        for (Stage s : stages.subList(from, stages.size())) {
            if (s.layer() instanceof Layer.Conv2d c) n += s.out().elements() * s.in().channels() * c.kernel() * c.kernel();
            if (s.layer() instanceof Layer.Dense) n += s.out().elements() * s.in().elements();
        }
        return n;
    }

    /** One line per layer, Keras-summary style. */
    public String summary() {
        StringBuilder sb = new StringBuilder(architecture.displayName()).append(": input ").append(input())
                .append(" x").append(architecture.inputScale()).append('\n');
        int width = 28, inWidth = 10;
        for (Stage s : stages) {
            width = Math.max(width, s.describe().length());
            inWidth = Math.max(inWidth, s.in().toString().length());
        }
        for (Stage s : stages) {
            sb.append(String.format("  %-" + width + "s %-" + inWidth + "s -> %s%n", s.describe(), s.in(), s.out()));
        }
        sb.append("  parameters: ").append(parameterCount()).append(", classes: ").append(classes);
        return sb.toString();
    }

    @Override public String toString() { return architecture.name() + Arrays.toString(stages.stream().map(s -> s.layer().type()).toArray()); }
}
