package dev.mcdrop.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Counts the scans (SOS markers) of a JPEG file by walking its markers, without decoding. A
 * progressive JPEG can hold hundreds of (even empty) scans in a small file, and javax.imageio
 * decodes the whole picture once per scan, so {@link ImageFiles} refuses one with too many before
 * decoding it. Marker segments are skipped by their length; inside entropy-coded data a 0xFF is
 * followed by a stuffed 0x00 or a restart marker, anything else starts the next marker. The walk
 * stops at EOI, at the end of the file, or once the count passes {@code limit}; a malformed file
 * is left for the decoder to report.
 */
final class JpegScans {
    private JpegScans() {}

    private static final int SOI = 0xD8, EOI = 0xD9, SOS = 0xDA, TEM = 0x01;

    /** The number of scans in {@code file}, or {@code limit + 1} as soon as there are more than {@code limit}. */
    static int count(Path file, int limit) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            if (in.read() != 0xFF || in.read() != SOI) return 0;
            int scans = 0;
            while (true) {
                int c = in.read();
                while (c != 0xFF) {               // entropy-coded data (or junk) until the next 0xFF
                    if (c < 0) return scans;
                    c = in.read();
                }
                do c = in.read(); while (c == 0xFF); // fill bytes
                if (c < 0 || c == EOI) return scans;
                if (c == 0x00 || c == TEM || c == SOI || (c >= 0xD0 && c <= 0xD7)) continue; // stuffed byte, standalone markers
                int hi = in.read(), lo = in.read();
                if (lo < 0) return scans;
                int length = hi << 8 | lo;
                if (length < 2) return scans;
                if (c == SOS && ++scans > limit) return scans;
                try {
                    in.skipNBytes(length - 2);
                } catch (EOFException truncated) {
                    return scans;
                }
            }
        }
    }
}
