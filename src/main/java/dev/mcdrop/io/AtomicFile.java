package dev.mcdrop.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * A file written in full or not at all: the bytes go to a hidden temporary file beside the target
 * ({@code .<name>.<random>.tmp}, same directory so the rename cannot cross file systems), and
 * {@link #commit} flushes them to disk and renames the temporary file over the target. Closing
 * without committing (a failure, an exception) deletes the temporary file and leaves whatever the
 * target held before untouched — never a truncated or half-written output.
 *
 * <pre>{@code
 * try (AtomicFile f = AtomicFile.create(path)) {
 *     write(f.stream());
 *     f.commit();
 * }
 * }</pre>
 */
public final class AtomicFile implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path target, tmp;
    private final FileChannel channel;
    private final OutputStream stream;
    private boolean committed, closed;

    private AtomicFile(Path target, Path tmp, FileChannel channel) {
        this.target = target;
        this.tmp = tmp;
        this.channel = channel;
        this.stream = Channels.newOutputStream(channel);
    }

    /** Opens a temporary file for {@code target}; the directory must exist and be writable. */
    public static AtomicFile create(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        while (true) {
            // Not Files.createTempFile: that forces mode 0600; CREATE_NEW honours the umask.
            Path tmp = absolute.resolveSibling("." + absolute.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
            try {
                return new AtomicFile(absolute, tmp, FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
            } catch (FileAlreadyExistsException e) {
                // someone else's: pick another name
            }
        }
    }

    /** Where the bytes go until {@link #commit}; not buffered (wrap it). */
    public OutputStream stream() { return stream; }

    /** The same temporary file for positional writes. */
    public FileChannel channel() { return channel; }

    /** Forces the bytes to disk and renames the temporary file over the target. */
    public void commit() throws IOException {
        if (closed) throw new IllegalStateException("committed or closed already");
        channel.force(true);
        channel.close();
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        committed = closed = true;
    }

    /** Deletes the temporary file unless {@link #commit} succeeded. */
    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        try {
            channel.close();
        } finally {
            if (!committed) Files.deleteIfExists(tmp);
        }
    }
}
