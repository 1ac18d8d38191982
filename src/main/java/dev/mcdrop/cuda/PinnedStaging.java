package dev.mcdrop.cuda;

import static dev.mcdrop.cuda.Cuda.check;
import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;

import dev.mcdrop.backend.PendingDownload;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUresult;

/**
 * Page-locked (pinned) host blocks through which the CUDA backend copies asynchronously, so the
 * host can prepare the next batch while the GPU works on this one.
 *
 * <p>An upload copies the Java array into a free block (a host memcpy), then queues
 * {@code cuMemcpyHtoDAsync} on the stream and records the block's event; the array is free again
 * at once. A download queues {@code cuMemcpyDtoHAsync} into a block and records its event;
 * {@link PendingDownload#await} waits for the event and copies the block into the array. A block
 * is reused once its event completed (and, for a download, once it was awaited).
 *
 * <p>Blocks grow to the largest copy seen and are then reused; when every block holds a download
 * nobody awaited yet (a convergence run snapshots the accumulators after each of up to a dozen
 * sample counts per batch, two batches in flight) one more block is added. After the first
 * batches nothing is allocated. Copies larger than {@link #MAX_STAGED_BYTES} are not staged (the caller copies
 * synchronously) so that a huge upload does not pin that much host memory.
 */
final class PinnedStaging implements AutoCloseable {
    /** Largest copy that goes through a pinned block. */
    static final long MAX_STAGED_BYTES = 256L << 20;
    /** Blocks made up front; more are added on demand (see the class comment). */
    private static final int INITIAL_BLOCKS = 6;

    private final Cuda.Stream stream;
    private final List<Block> blocks = new ArrayList<>();
    private int next;

    /** Needs the backend's context current (events are created here and in {@link #acquire}). */
    PinnedStaging(Cuda.Stream stream) {
        this.stream = stream;
        try {
            for (int i = 0; i < INITIAL_BLOCKS; i++) blocks.add(newBlock());
        } catch (CudaOpException e) {
            close();
            throw e;
        }
    }

    private static Block newBlock() {
        Block b = new Block();
        check(cuEventCreate(b.done, CUevent_flags.CU_EVENT_DISABLE_TIMING), "create staging event");
        b.eventCreated = true;
        return b;
    }

    /** Queues an upload of {@code src[srcOffset .. +count)} to {@code dst}; returns at once. */
    void upload(float[] src, int srcOffset, CUdeviceptr dst, int count) {
        Block b = acquire((long) count * Float.BYTES, "upload");
        b.floats.put(0, src, srcOffset, count);
        check(cuMemcpyHtoDAsync(dst, b.host, (long) count * Float.BYTES, stream), "upload (async copy)");
        check(cuEventRecord(b.done, stream), "upload (record event)");
    }

    /** Queues an upload of the 32-bit words {@code src[0 .. count)} to {@code dst}; returns at once. */
    void upload(int[] src, CUdeviceptr dst, int count) {
        Block b = acquire((long) count * Integer.BYTES, "upload");
        b.ints.put(0, src, 0, count);
        check(cuMemcpyHtoDAsync(dst, b.host, (long) count * Integer.BYTES, stream), "upload (async copy)");
        check(cuEventRecord(b.done, stream), "upload (record event)");
    }

    /** Queues a download of {@code count} floats from {@code src}; the returned handle fills {@code dst}. */
    PendingDownload download(CUdeviceptr src, float[] dst, int dstOffset, int count) {
        Block b = acquire((long) count * Float.BYTES, "download");
        check(cuMemcpyDtoHAsync(b.host, src, (long) count * Float.BYTES, stream), "download (async copy)");
        check(cuEventRecord(b.done, stream), "download (record event)");
        b.awaited = false;
        long generation = ++b.generation;
        return () -> {
            // Already awaited: either still marked so, or the block has since carried a newer download.
            if (b.awaited || b.generation != generation) return;
            check(cuEventSynchronize(b.done), "download (wait)");
            b.floats.get(0, dst, dstOffset, count);
            b.awaited = true;
        };
    }

    /** The next block not held by an un-awaited download, grown to {@code bytes}, its last copy finished. */
    private Block acquire(long bytes, String op) {
        for (int tries = 0; tries < blocks.size(); tries++) {
            Block b = blocks.get(next);
            next = (next + 1) % blocks.size();
            if (!b.awaited) continue;
            check(cuEventSynchronize(b.done), op + " (wait for staging block)");
            if (b.capacity < bytes) b.grow(bytes, op);
            return b;
        }
        // Every block carries a download nobody awaited yet: add one.
        Block b = newBlock();
        blocks.add(b);
        b.grow(bytes, op);
        return b;
    }

    /** Blocks in the pool (for tests). */
    int blockCount() { return blocks.size(); }

    @Override
    public void close() {
        for (Block b : blocks) {
            if (b == null) continue;
            b.free();
            if (b.eventCreated) cuEventDestroy(b.done);
            b.eventCreated = false;
        }
    }

    private static final class Block {
        final CUevent done = new CUevent();
        Pointer host;
        FloatBuffer floats;
        IntBuffer ints;   // the same bytes, for 32-bit keys
        long capacity;
        boolean awaited = true; // true: no download waiting for its await()
        long generation;        // downloads carried so far: a handle awaits only its own
        boolean eventCreated;

        void grow(long bytes, String op) {
            free();
            long size = Math.max(bytes, 1L << 20);
            Pointer p = new Pointer();
            int r = cuMemAllocHost(p, size);
            if (r == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
                throw new CudaOpException(String.format(java.util.Locale.ROOT,
                        "cuda %s: out of pinned host memory allocating %.1f MB", op, size / 1e6));
            }
            check(r, op + " (allocate pinned host memory)");
            host = p;
            capacity = size;
            floats = p.getByteBuffer(0, size).order(ByteOrder.nativeOrder()).asFloatBuffer();
            ints = p.getByteBuffer(0, size).order(ByteOrder.nativeOrder()).asIntBuffer();
        }

        void free() {
            if (host != null) {
                cuMemFreeHost(host);
                host = null;
                floats = null;
                ints = null;
                capacity = 0;
            }
        }
    }
}
