package dev.mcdrop.onnx;

import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Collectors;

/**
 * Everything a model read holds, as text (tensor bytes in hex), so two reads of the same file can
 * be compared whole: mapped against read into the heap.
 */
final class ModelText {
    private ModelText() {}

    static String of(OnnxModel m) {
        StringBuilder sb = new StringBuilder();
        sb.append(m.irVersion()).append(m.opsetImports()).append(m.producerName()).append('/').append(m.producerVersion())
                .append(m.metadata()).append('\n');
        OnnxGraph g = m.graph();
        sb.append(g.name()).append('\n');
        g.initializers().values().forEach(t -> sb.append(of(t)).append('\n'));
        for (var list : java.util.List.of(g.inputs(), g.outputs(), g.valueInfo())) {
            list.forEach(v -> sb.append(v.name()).append(v.kind()).append(v.elemType()).append(v.shape()).append(v.origin()).append('\n'));
        }
        for (OnnxNode n : g.nodes()) {
            sb.append(n.index()).append(n.name()).append(n.opType()).append(n.domain()).append(n.inputs()).append(n.outputs()).append(n.origin());
            for (OnnxAttribute a : n.attributes().values()) {
                sb.append(' ').append(a.name()).append('=').append(switch (a) {
                    case OnnxAttribute.FloatAttr f -> Float.toString(f.value());
                    case OnnxAttribute.IntAttr i -> Long.toString(i.value());
                    case OnnxAttribute.StringAttr s -> s.value();
                    case OnnxAttribute.TensorAttr t -> of(t.value());
                    case OnnxAttribute.FloatsAttr f -> Arrays.toString(f.values());
                    case OnnxAttribute.IntsAttr i -> Arrays.toString(i.values());
                    case OnnxAttribute.StringsAttr s -> s.values().toString();
                    case OnnxAttribute.Skipped s -> s.type().toString();
                });
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static String of(OnnxTensor t) {
        return t.name() + " " + t.dataType() + Arrays.toString(t.dims()) + t.storage() + t.external() + t.origin() + " "
                + HexFormat.of().formatHex(t.data().toArray(ValueLayout.JAVA_BYTE));
    }

    static String joined(java.util.List<OnnxModel> models) {
        return models.stream().map(ModelText::of).collect(Collectors.joining("\n"));
    }
}
