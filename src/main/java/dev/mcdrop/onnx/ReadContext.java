package dev.mcdrop.onnx;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * State of one read: the file, the directory external data may come from, the limits, the count
 * of entries created so far (the bound on heap use: a 2-byte empty node must not be allowed to
 * become a 100-byte record a million times over), and the external files mapped so far (each
 * mapped once, however many tensors it holds). Mappings live in an automatic arena: they are
 * unmapped when no tensor refers to them any more.
 */
final class ReadContext {
    final Path file;
    final Path directory;
    final OnnxFile.Limits limits;
    final Arena arena = Arena.ofAuto();
    final Map<Path, MemorySegment> externalFiles = new HashMap<>();
    private long entries;

    ReadContext(Path file, OnnxFile.Limits limits) {
        this.file = file;
        Path parent = file.toAbsolutePath().getParent();
        this.directory = parent == null ? file.toAbsolutePath().getRoot() : parent;
        this.limits = limits;
    }

    /** Counts {@code n} more entries (nodes, attributes, names, dimensions, tensors…) against the limit. */
    void count(long n, Origin where) throws OnnxFormatException {
        entries += n;
        if (entries > limits.maxEntries()) {
            throw where.error(String.format(Locale.ROOT, "the file holds more than %,d entries (nodes, attributes, names, "
                    + "dimensions, tensors), the reader's limit", limits.maxEntries()));
        }
    }
}
