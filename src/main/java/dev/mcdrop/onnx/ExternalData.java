package dev.mcdrop.onnx;

import dev.mcdrop.io.InputFiles;
import dev.mcdrop.io.Names;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * External data of a tensor (data_location EXTERNAL): the values live in another file, named by
 * the external_data entries "location" (required: a path relative to the model's directory),
 * "offset" and "length" (optional decimal byte counts; "checksum" and unknown keys are ignored).
 * A model is untrusted input, so the location may only name a regular file inside the model's own
 * directory (subdirectories allowed):
 * <ul>
 *   <li>an absolute path, a path with a ".." component, an empty path are refused as written;</li>
 *   <li>the file's real path (symbolic links resolved) must lie under the directory's real path,
 *       so a link leading outside is refused too; the real path is what is then opened;</li>
 *   <li>offset and length must lie inside the file, and the length must be exactly the tensor's
 *       size (when "length" is absent, the data runs to the end of the file and must fit exactly).</li>
 * </ul>
 * Each external file is mapped once per read (read-only); a tensor's data is a slice of it.
 * Not guarded: a directory swapped for a link between the check and the open (the check and
 * the open use the same real path, so only a concurrent rename by another user could do that).
 */
final class ExternalData {
    private ExternalData() {}

    record Resolved(MemorySegment data, OnnxTensor.External external) { }

    static Resolved resolve(Map<String, String> entries, long bytes, DataType type, long elements, Origin o, ReadContext ctx)
            throws OnnxFormatException {
        String location = entries.get("location");
        if (location == null || location.isEmpty()) throw o.error("external data without a location");
        String shown = Names.quote(location);
        long offset = number(entries, "offset", 0, o);
        long length = number(entries, "length", -1, o);
        Path relative;
        try {
            relative = Path.of(location);
        } catch (InvalidPathException e) {
            throw o.error("external data location " + shown + " is not a valid path");
        }
        if (relative.isAbsolute() || location.startsWith("/")) {
            throw o.error("external data location " + shown + " is an absolute path; only files in the model's directory are read");
        }
        for (Path part : relative) {
            if (part.toString().equals("..")) {
                throw o.error("external data location " + shown + " leads out of the model's directory ('..')");
            }
        }
        Path real;
        Path directory;
        try {
            directory = ctx.directory.toRealPath();
            real = directory.resolve(relative).toRealPath();
        } catch (NoSuchFileException e) {
            throw o.error("external data file " + shown + " does not exist (looked in " + ctx.directory + ")");
        } catch (IOException e) {
            throw o.error("external data file " + shown + " cannot be opened: " + Names.display(String.valueOf(e.getMessage()), 200));
        }
        if (real.equals(directory)) throw o.error("external data location " + shown + " is the model's directory, not a file");
        if (!real.startsWith(directory)) {
            throw o.error("external data location " + shown + " leads out of the model's directory (a symbolic link to " + Names.display(real.toString(), 200) + ")");
        }
        MemorySegment whole = ctx.externalFiles.get(real);
        if (whole == null) {
            whole = map(real, shown, o, ctx);
            ctx.externalFiles.put(real, whole);
        }
        long size = whole.byteSize();
        if (offset > size) throw o.error("external data offset " + offset + " is past the end of " + shown + " (" + size + " bytes)");
        if (length < 0) length = size - offset;
        if (length > size - offset) {
            throw o.error("external data [" + offset + ", " + offset + " + " + length + ") runs past the end of " + shown + " (" + size + " bytes)");
        }
        if (length != bytes) {
            throw o.error("external data length " + length + " does not match " + elements + " " + type + " elements (" + bytes + " bytes)");
        }
        return new Resolved(whole.asSlice(offset, length), new OnnxTensor.External(location, real, offset, length));
    }

    /** A non-negative decimal entry ("offset", "length"), or {@code absent}. */
    private static long number(Map<String, String> entries, String key, long absent, Origin o) throws OnnxFormatException {
        String v = entries.get(key);
        if (v == null) return absent;
        if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw o.error("external data " + key + " " + Names.quote(v) + " is not a byte count");
        }
        return Long.parseLong(v);
    }

    private static MemorySegment map(Path real, String shown, Origin o, ReadContext ctx) throws OnnxFormatException {
        try {
            InputFiles.requireRegularFile(real, null);
            try (FileChannel ch = FileChannel.open(real, StandardOpenOption.READ)) {
                return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), ctx.arena);
            }
        } catch (InputFiles.RefusedException e) {
            throw o.error("external data file " + shown + " " + e.getReason());
        } catch (IOException | UnsupportedOperationException e) {
            throw o.error("external data file " + shown + " cannot be read: " + Names.display(String.valueOf(e.getMessage()), 200));
        }
    }
}
