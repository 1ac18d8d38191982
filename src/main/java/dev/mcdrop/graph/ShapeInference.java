package dev.mcdrop.graph;

import dev.mcdrop.io.Names;
import java.util.Arrays;

/**
 * The output shape of one node from its inputs' shapes, every operator's rules in one place: which
 * inputs must be initializers, which ranks fit, the spatial sizes (in long, checked against
 * {@link GraphLimits} before any int is formed). auto_pad is resolved here into explicit pads, so
 * every node of a built {@link Graph} carries the pads it runs with. Every refusal is one line that
 * names the node: {@code node 'conv1' (Conv): …}.
 */
final class ShapeInference {
    private ShapeInference() {}

    /** Where the shapes of a node's inputs come from: a computed tensor's shape, or null; an initializer, or null. */
    interface Lookup {
        TensorShape activation(String tensor);

        Initializer initializer(String tensor);
    }

    /** The node's op with auto_pad resolved, and its output's shape. */
    record Result(Op op, TensorShape out) {}

    static Result infer(Node node, Lookup lookup) {
        return new ShapeInference.At(node, lookup).infer();
    }

    /** The spatial output size along one axis; ke is the effective (dilated) kernel. Null-free: fails through {@code at}. */
    static long outSize(At at, String axis, long in, long k, long stride, long dilation, long padBegin, long padEnd, boolean ceil) {
        long ke = (k - 1) * dilation + 1;
        long span = in + padBegin + padEnd - ke;
        if (span < 0) {
            throw at.fail("the " + (dilation > 1 ? "dilated " : "") + "kernel " + ke + " is larger than the padded input "
                    + axis + " " + (in + padBegin + padEnd));
        }
        long out = ceil ? Math.floorDiv(span + stride - 1, stride) + 1 : span / stride + 1;
        if (ceil && (out - 1) * stride >= in + padBegin) out--; // a last window starting in the end padding is dropped
        return out;
    }

    /** One node being inferred: its inputs and the failure wording. */
    static final class At {
        final Node node;
        final Lookup lookup;

        At(Node node, Lookup lookup) {
            this.node = node;
            this.lookup = lookup;
        }

        GraphException fail(String message) { return new GraphException(node.describe() + ": " + message); }

        private void arity(int min, int max) {
            int n = node.inputs().size();
            if (n < min || n > max) {
                throw fail((min == max ? min : min + " to " + max) + " input(s) expected, " + n + " given");
            }
            if (node.outputs().size() != 1) throw fail("1 output expected, " + node.outputs().size() + " given");
        }

        private TensorShape act(int i) {
            String t = node.input(i);
            TensorShape s = lookup.activation(t);
            if (s == null) throw fail("input " + Names.quote(t) + " must be a computed tensor, not an initializer");
            return s;
        }

        private TensorShape image(int i) {
            TensorShape s = act(i);
            if (!s.isImage()) throw fail("input " + Names.quote(node.input(i)) + " is " + s + "; a feature map [N,C,H,W] is needed");
            return s;
        }

        private Initializer init(int i, String role) {
            String t = node.input(i);
            Initializer w = lookup.initializer(t);
            if (w == null) throw fail("input " + Names.quote(t) + " (the " + role + ") must be an initializer");
            return w;
        }

        private Initializer vector(int i, String role, int length) {
            Initializer v = init(i, role);
            if (v.rank() != 1 || v.dim(0) != length) {
                throw fail("the " + role + " " + Names.quote(node.input(i)) + " is " + Arrays.toString(v.dims()) + ", not [" + length + "]");
            }
            return v;
        }

        private void check(String field, long value, long min, long max) {
            if (value < min || value > max) {
                throw fail("attribute '" + field + "' is " + value + "; it must be between " + min + " and " + max);
            }
        }

        private void finite(String field, double value) {
            if (!Double.isFinite(value)) throw fail("attribute '" + field + "' is " + value + "; a finite number is needed");
        }

        private TensorShape output(long... dims) {
            long n = GraphLimits.product(dims);
            if (n > GraphLimits.MAX_VALUES) {
                throw fail("the output has " + GraphLimits.count(n) + " values per image; at most " + GraphLimits.MAX_VALUES + " are supported");
            }
            if (dims.length == 3) {
                if (dims[1] > GraphLimits.MAX_SIDE || dims[2] > GraphLimits.MAX_SIDE) {
                    throw fail("the output is " + dims[1] + "x" + dims[2] + "; sides of at most " + GraphLimits.MAX_SIDE + " are supported");
                }
            }
            if (dims[0] > GraphLimits.MAX_CHANNELS) {
                throw fail("the output has " + dims[0] + " channels; at most " + GraphLimits.MAX_CHANNELS + " are supported");
            }
            int[] d = new int[dims.length];
            for (int i = 0; i < d.length; i++) d[i] = (int) dims[i];
            return new TensorShape(d);
        }

        Result infer() {
            Op op = node.op();
            return switch (op) {
                case Op.Conv c -> conv(c);
                case Op.Gemm g -> gemm(g);
                case Op.MatMul m -> {
                    arity(2, 2);
                    TensorShape a = flat(0);
                    Initializer b = init(1, "weight");
                    if (b.rank() != 2 || b.dim(0) != a.channels()) {
                        throw fail("the weight " + Names.quote(node.input(1)) + " is " + Arrays.toString(b.dims()) + ", not [" + a.channels() + ",M]");
                    }
                    yield new Result(op, output(b.dim(1)));
                }
                case Op.BatchNormalization b -> {
                    arity(5, 5);
                    TensorShape x = act(0);
                    if (!(b.epsilon() >= 0) || Double.isInfinite(b.epsilon())) throw fail("attribute 'epsilon' is " + b.epsilon() + "; a finite number >= 0 is needed");
                    vector(1, "scale", x.channels());
                    vector(2, "bias", x.channels());
                    vector(3, "mean", x.channels());
                    Initializer var = vector(4, "variance", x.channels());
                    for (int c = 0; c < x.channels(); c++) {
                        if (!(var.get(c) + b.epsilon() > 0)) {
                            throw fail("variance[" + c + "] + epsilon = " + (var.get(c) + b.epsilon()) + " is not positive");
                        }
                    }
                    yield new Result(op, x);
                }
                case Op.MaxPool p -> {
                    arity(1, 1);
                    Op.Pads pads = pads(p.pads(), p.autoPad(), image(0), p.kernel(), p.strides(), p.dilations());
                    Op.MaxPool r = new Op.MaxPool(p.kernel(), p.strides(), pads, Op.AutoPad.NOTSET, p.ceilMode(), p.dilations());
                    yield new Result(r, pool(p.kernel(), p.strides(), pads, p.ceilMode(), p.dilations(), true));
                }
                case Op.AveragePool p -> {
                    arity(1, 1);
                    Op.Pads pads = pads(p.pads(), p.autoPad(), image(0), p.kernel(), p.strides(), Op.Size2.ONE);
                    Op.AveragePool r = new Op.AveragePool(p.kernel(), p.strides(), pads, Op.AutoPad.NOTSET, p.ceilMode(), p.countIncludePad());
                    yield new Result(r, pool(p.kernel(), p.strides(), pads, p.ceilMode(), Op.Size2.ONE, !p.countIncludePad()));
                }
                case Op.GlobalAveragePool g -> global();
                case Op.GlobalMaxPool g -> global();
                case Op.LeakyRelu l -> {
                    finite("alpha", l.alpha());
                    yield unary();
                }
                case Op.Clip c -> {
                    if (Double.isNaN(c.min()) || Double.isNaN(c.max())) throw fail("min and max must not be NaN");
                    yield unary();
                }
                case Op.Dropout d -> {
                    if (!(d.ratio() >= 0f && d.ratio() < 1f)) throw fail("ratio must be in [0, 1), got " + d.ratio());
                    if (d.maskIndex().isPresent() && d.maskIndex().getAsInt() < 0) throw fail("mask index must be >= 0, got " + d.maskIndex().getAsInt());
                    yield unary();
                }
                case Op.Relu r -> unary();
                case Op.Sigmoid s -> unary();
                case Op.Tanh t -> unary();
                case Op.Gelu g -> unary();
                case Op.Identity i -> unary();
                case Op.Add a -> broadcast();
                case Op.Sub s -> broadcast();
                case Op.Mul m -> broadcast();
                case Op.Concat c -> concat();
                case Op.Flatten f -> {
                    arity(1, 1);
                    yield new Result(op, output(act(0).elements()));
                }
                case Op.Reshape r -> {
                    arity(1, 1);
                    TensorShape x = act(0);
                    if (r.features() != x.elements()) {
                        throw fail("cannot reshape " + x + " (" + x.elements() + " values per image) to Nx" + r.features());
                    }
                    yield new Result(op, output(r.features()));
                }
                case Op.Softmax s -> {
                    arity(1, 1);
                    TensorShape x = act(0);
                    int rank = x.rank() + 1, axis = s.axis() < 0 ? s.axis() + rank : s.axis();
                    if (axis < 1 || axis >= rank) {
                        throw fail("axis " + s.axis() + " of a rank-" + rank + " tensor " + x + (axis == 0 ? " is the batch" : " is out of range"));
                    }
                    yield new Result(op, x);
                }
            };
        }

        private TensorShape flat(int i) {
            TensorShape s = act(i);
            if (s.isImage()) throw fail("input " + Names.quote(node.input(i)) + " is " + s + "; a matrix [N,K] is needed (add a Flatten)");
            return s;
        }

        private Result unary() {
            arity(1, 1);
            return new Result(node.op(), act(0));
        }

        private Result global() {
            arity(1, 1);
            return new Result(node.op(), output(image(0).channels(), 1, 1));
        }

        private Result conv(Op.Conv c) {
            arity(2, 3);
            TensorShape x = image(0);
            Initializer w = init(1, "weight");
            if (w.rank() != 4) throw fail("the weight " + Names.quote(node.input(1)) + " is " + Arrays.toString(w.dims()) + "; [M, C/group, kH, kW] is needed");
            check("group", c.group(), 1, GraphLimits.MAX_CHANNELS);
            int m = w.dim(0), cg = w.dim(1);
            if (x.channels() % c.group() != 0 || m % c.group() != 0) {
                throw fail("group " + c.group() + " does not divide the input channels " + x.channels() + " and the output channels " + m);
            }
            if (cg != x.channels() / c.group()) {
                throw fail("the weight " + Names.quote(node.input(1)) + " is " + Arrays.toString(w.dims()) + ": its second dimension must be "
                        + x.channels() / c.group() + " (input channels / group)");
            }
            if (m == 0) throw fail("the weight " + Names.quote(node.input(1)) + " has no output channels");
            Op.Size2 kernel = new Op.Size2(w.dim(2), w.dim(3));
            Op.Pads pads = pads(c.pads(), c.autoPad(), x, kernel, c.strides(), c.dilations());
            if (node.inputs().size() == 3) vector(2, "bias", m);
            long oh = outSize(this, "height", x.height(), kernel.height(), c.strides().height(), c.dilations().height(), pads.top(), pads.bottom(), false);
            long ow = outSize(this, "width", x.width(), kernel.width(), c.strides().width(), c.dilations().width(), pads.left(), pads.right(), false);
            long unfolded = GraphLimits.product(x.channels(), kernel.height(), kernel.width(), oh, ow);
            if (unfolded > GraphLimits.MAX_VALUES) {
                throw fail("the unfolded input (im2col) has " + GraphLimits.count(unfolded) + " values per image; at most "
                        + GraphLimits.MAX_VALUES + " are supported");
            }
            return new Result(new Op.Conv(c.strides(), pads, Op.AutoPad.NOTSET, c.dilations(), c.group()), output(m, oh, ow));
        }

        private Result gemm(Op.Gemm g) {
            arity(2, 3);
            finite("alpha", g.alpha());
            finite("beta", g.beta());
            TensorShape a = flat(0);
            Initializer b = init(1, "weight");
            int k = a.channels();
            if (b.rank() != 2 || b.dim(g.transB() ? 1 : 0) != k) {
                throw fail("the weight " + Names.quote(node.input(1)) + " is " + Arrays.toString(b.dims()) + ", not "
                        + (g.transB() ? "[M," + k + "] (transB = 1)" : "[" + k + ",M] (transB = 0)"));
            }
            int m = b.dim(g.transB() ? 0 : 1);
            if (node.inputs().size() == 3) {
                Initializer c = init(2, "bias C");
                int[] d = c.dims();
                boolean ok = c.length() == 1 && d.length <= 2 || d.length == 1 && d[0] == m || d.length == 2 && d[0] == 1 && d[1] == m;
                if (!ok) throw fail("the bias C " + Names.quote(node.input(2)) + " is " + Arrays.toString(d) + "; [], [1], [" + m + "] or [1," + m + "] is needed");
            }
            return new Result(g, output(m));
        }

        private Op.Pads pads(Op.Pads given, Op.AutoPad auto, TensorShape x, Op.Size2 kernel, Op.Size2 strides, Op.Size2 dilations) {
            check("kernel height", kernel.height(), 1, GraphLimits.MAX_SIDE);
            check("kernel width", kernel.width(), 1, GraphLimits.MAX_SIDE);
            check("stride height", strides.height(), 1, GraphLimits.MAX_SIDE);
            check("stride width", strides.width(), 1, GraphLimits.MAX_SIDE);
            check("dilation height", dilations.height(), 1, GraphLimits.MAX_SIDE);
            check("dilation width", dilations.width(), 1, GraphLimits.MAX_SIDE);
            for (int p : new int[]{given.top(), given.left(), given.bottom(), given.right()}) check("pads", p, 0, GraphLimits.MAX_SIDE);
            if (auto == Op.AutoPad.NOTSET) return given;
            if (!given.equals(Op.Pads.NONE)) throw fail("auto_pad " + auto + " and explicit pads " + given + " are both given");
            if (auto == Op.AutoPad.VALID) return Op.Pads.NONE;
            long[] h = same(x.height(), kernel.height(), strides.height(), dilations.height(), auto);
            long[] w = same(x.width(), kernel.width(), strides.width(), dilations.width(), auto);
            for (long p : new long[]{h[0], h[1], w[0], w[1]}) check("resolved auto_pad", p, 0, GraphLimits.MAX_SIDE);
            return new Op.Pads((int) h[0], (int) w[0], (int) h[1], (int) w[1]);
        }

        /** SAME_*: out = ⌈in/stride⌉, total = max(0, (out−1)·stride + ke − in), split with the odd one at the end (UPPER) or the start (LOWER). */
        private static long[] same(long in, long k, long stride, long dilation, Op.AutoPad auto) {
            long ke = (k - 1) * dilation + 1, out = (in + stride - 1) / stride;
            long total = Math.max(0, (out - 1) * stride + ke - in);
            long small = total / 2, large = total - small;
            return auto == Op.AutoPad.SAME_UPPER ? new long[]{small, large} : new long[]{large, small};
        }

        private TensorShape pool(Op.Size2 kernel, Op.Size2 strides, Op.Pads pads, boolean ceil, Op.Size2 dilations, boolean windowsMustTouchInput) {
            TensorShape x = image(0);
            long oh = outSize(this, "height", x.height(), kernel.height(), strides.height(), dilations.height(), pads.top(), pads.bottom(), ceil);
            long ow = outSize(this, "width", x.width(), kernel.width(), strides.width(), dilations.width(), pads.left(), pads.right(), ceil);
            if (windowsMustTouchInput) {
                touches("height", x.height(), oh, kernel.height(), strides.height(), dilations.height(), pads.top());
                touches("width", x.width(), ow, kernel.width(), strides.width(), dilations.width(), pads.left());
            }
            return output(x.channels(), oh, ow);
        }

        /** Every output window along the axis holds at least one input tap (else a max would be −∞, a mean 0/0). */
        private void touches(String axis, long in, long out, long k, long stride, long dilation, long padBegin) {
            for (long o = 0; o < out; o++) {
                long start = o * stride - padBegin;
                long t = start >= 0 ? 0 : (-start + dilation - 1) / dilation; // first tap at or after 0
                if (t >= k || start + t * dilation >= in) {
                    throw fail("output " + (axis.equals("height") ? "row " : "column ") + o + "'s window lies entirely in the padding");
                }
            }
        }

        /** Numpy broadcasting over the per-image dims; an initializer's leading batch dimension must be 1. */
        private Result broadcast() {
            arity(2, 2);
            TensorShape a = lookup.activation(node.input(0)), b = lookup.activation(node.input(1));
            if (a == null && b == null) throw fail("both inputs are initializers; one must be a computed tensor");
            int rank = (a != null ? a : b).rank();
            if (a != null && b != null && a.rank() != b.rank()) throw fail("inputs " + a + " and " + b + " have different ranks");
            long[] x = aligned(0, a, rank), y = aligned(1, b, rank), out = new long[rank];
            for (int i = 0; i < rank; i++) {
                if (x[i] != y[i] && x[i] != 1 && y[i] != 1) {
                    throw fail("inputs " + describe(0, a) + " and " + describe(1, b) + " do not broadcast (dimension " + (i + 1) + ")");
                }
                out[i] = Math.max(x[i], y[i]);
            }
            return new Result(node.op(), output(out));
        }

        private String describe(int i, TensorShape s) {
            return s != null ? s.toString() : Arrays.toString(lookup.initializer(node.input(i)).dims());
        }

        private long[] aligned(int i, TensorShape s, int rank) {
            long[] d = new long[rank];
            if (s != null) {
                for (int j = 0; j < rank; j++) d[j] = s.dim(j);
                return d;
            }
            Initializer c = lookup.initializer(node.input(i));
            if (c == null) throw fail("input " + Names.quote(node.input(i)) + " is not defined");
            int[] dims = c.dims();
            int skip = dims.length - rank; // 1: a leading batch dimension
            if (skip > 1 || skip == 1 && dims[0] != 1) {
                throw fail("the constant " + Names.quote(node.input(i)) + " " + Arrays.toString(dims) + " does not broadcast to [N," + rankText(rank) + "]");
            }
            java.util.Arrays.fill(d, 1);
            for (int j = Math.max(0, skip); j < dims.length; j++) d[rank - (dims.length - j)] = dims[j];
            for (long v : d) if (v == 0) throw fail("the constant " + Names.quote(node.input(i)) + " is empty");
            return d;
        }

        private static String rankText(int rank) { return rank == 3 ? "C,H,W" : "F"; }

        private Result concat() {
            if (node.inputs().isEmpty()) throw fail("no inputs");
            if (node.outputs().size() != 1) throw fail("1 output expected, " + node.outputs().size() + " given");
            TensorShape first = act(0);
            long channels = 0;
            for (int i = 0; i < node.inputs().size(); i++) {
                TensorShape s = act(i);
                if (s.rank() != first.rank() || s.height() != first.height() || s.width() != first.width()) {
                    throw fail("input " + Names.quote(node.input(i)) + " is " + s + " but input " + Names.quote(node.input(0)) + " is " + first
                            + "; only the channels may differ");
                }
                channels += s.channels();
            }
            return new Result(node.op(), first.isImage() ? output(channels, first.height(), first.width()) : output(channels));
        }
    }
}
