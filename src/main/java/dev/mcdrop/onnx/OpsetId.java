package dev.mcdrop.onnx;

/**
 * One entry of ModelProto.opset_import: the operator set {@code domain} (empty = the default
 * ONNX domain, also spelled "ai.onnx") at {@code version}.
 */
public record OpsetId(String domain, long version) {

    /** Whether this is the default ONNX operator set ("" or "ai.onnx"). */
    public boolean isDefaultDomain() {
        return isDefaultDomain(domain);
    }

    static boolean isDefaultDomain(String domain) {
        return domain.isEmpty() || domain.equals("ai.onnx");
    }
}
