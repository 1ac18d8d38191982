package dev.mcdrop.onnx;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A model file as read by {@link OnnxFile#read} (ModelProto, the subset mcdrop needs).
 *
 * @param file            the file read
 * @param irVersion       ir_version (≥ 1)
 * @param opsetImports    opset_import: one entry per domain
 * @param producerName    producer_name ("" if absent)
 * @param producerVersion producer_version ("" if absent)
 * @param graph           the main graph
 * @param metadata        metadata_props, keys unique, in file order
 */
public record OnnxModel(Path file, long irVersion, List<OpsetId> opsetImports, String producerName, String producerVersion,
                        OnnxGraph graph, Map<String, String> metadata) {

    public OnnxModel {
        opsetImports = List.copyOf(opsetImports);
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** The imported version of operator set {@code domain} ("" and "ai.onnx" both mean the default set). */
    public OptionalLong opsetVersion(String domain) {
        boolean dflt = OpsetId.isDefaultDomain(domain);
        for (OpsetId o : opsetImports) {
            if (dflt ? o.isDefaultDomain() : o.domain().equals(domain)) return OptionalLong.of(o.version());
        }
        return OptionalLong.empty();
    }
}
