package dev.mcdrop.io;

import java.util.Set;

/**
 * The floating-point safetensors dtypes mcdrop reads, with their size in bytes. Integer, bool and
 * 8-bit float dtypes are valid safetensors but meaningless as CNN weights here, so they are
 * recognised only to give a clearer "not supported" message than "unknown".
 */
public enum DType {
    F32(4),
    F16(2),
    BF16(2),
    F64(8);

    /** Valid safetensors dtypes that mcdrop deliberately does not read. */
    static final Set<String> UNSUPPORTED = Set.of(
            "BOOL", "U8", "I8", "U16", "I16", "U32", "I32", "U64", "I64",
            "F8_E4M3", "F8_E5M2", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2", "C64");

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The dtype spelled exactly as in a safetensors header, or null if mcdrop cannot read it. */
    static DType fromHeader(String text) {
        for (DType t : values()) {
            if (t.name().equals(text)) return t;
        }
        return null;
    }
}
