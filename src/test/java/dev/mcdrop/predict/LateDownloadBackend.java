package dev.mcdrop.predict;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.backend.Buffer;
import dev.mcdrop.backend.PendingDownload;
import java.util.Arrays;

/**
 * A backend that behaves like an asynchronous GPU at the host boundary, to test the pipelined
 * predictor on a CPU: {@link #downloadAsync} snapshots the data (as a stream-ordered copy would)
 * but fills the destination with NaN and writes the real values only in {@code await()}. A caller
 * that reads a result before awaiting it, or lets two batches share one host array, gets NaN or
 * the other batch's numbers.
 */
final class LateDownloadBackend extends ForwardingBackend {
    int pendingAtMost, pending;

    LateDownloadBackend(Backend inner) { super(inner); }

    @Override
    public PendingDownload downloadAsync(Buffer src, long srcOffset, float[] dst, int dstOffset, int count) {
        float[] snapshot = new float[count];
        inner.download(src, srcOffset, snapshot, 0, count);
        Arrays.fill(dst, dstOffset, dstOffset + count, Float.NaN);
        pendingAtMost = Math.max(pendingAtMost, ++pending);
        boolean[] done = {false};
        return () -> {
            if (done[0]) return;
            done[0] = true;
            pending--;
            System.arraycopy(snapshot, 0, dst, dstOffset, count);
        };
    }

    @Override public String describe() { return inner.describe() + " [late downloads]"; }
}
