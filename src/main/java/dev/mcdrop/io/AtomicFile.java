package dev.mcdrop.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A file written in full or not at all: the bytes go to a hidden temporary file beside the target
 * ({@code .<name>.<random>.tmp}, same directory so the rename cannot cross file systems), and
 * {@link #commit} flushes them to disk and renames the temporary file over the target. Closing
 * without committing (a failure, an exception) deletes the temporary file and leaves whatever the
 * target held before untouched — never a truncated or half-written output. Every file mcdrop
 * writes goes through here (a test holds the sources to that).
 *
 * <ul>
 *   <li>A process ended by SIGINT or SIGTERM leaves no temporary file behind: open ones are
 *       registered with one JVM shutdown hook that deletes them (kill -9 cannot be caught: its
 *       leftovers are hidden files, and the target is still untouched).</li>
 *   <li>A target that is a symbolic link is written where the link points; the link stays.</li>
 *   <li>A target that exists and is not a regular file ({@code /dev/stdout}, {@code /dev/null},
 *       a FIFO) is written to directly — renaming over a device would replace it with a plain file
 *       — so such an output is streamed, not atomic, and its write errors still fail the run.</li>
 *   <li>A file replaced keeps its POSIX permissions.</li>
 *   <li>Errors name the target as the user gave it, never the temporary file: a failed write,
 *       flush, force or rename reads "cannot write out.jsonl: No space left on device".</li>
 * </ul>
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
    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Path tmp : OPEN) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException | RuntimeException e) {
                    // shutting down: nothing better to do
                }
            }
        }, "mcdrop-remove-temporary-files"));
    }

    /** Writes the bytes {@code body} puts into the stream, in full or not at all. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private final Path given, target, tmp; // tmp null: writing straight to a device or FIFO
    private final FileChannel channel;
    private final OutputStream stream;
    private boolean committed, closed;

    private AtomicFile(Path given, Path target, Path tmp, FileChannel channel) {
        this.given = given;
        this.target = target;
        this.tmp = tmp;
        this.channel = channel;
        this.stream = new Named(Channels.newOutputStream(channel), given);
    }

    /** The temporary file's stream, whose write and flush failures name the target ("cannot write out.jsonl: No space left on device"). */
    private static final class Named extends java.io.FilterOutputStream {
        private final Path given;

        Named(OutputStream out, Path given) {
            super(out);
            this.given = given;
        }

        @Override public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                throw cannotWrite(given, e);
            }
        }

        @Override public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw cannotWrite(given, e);
            }
        }

        @Override public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw cannotWrite(given, e);
            }
        }
    }

    /** "cannot write <target as given>: <reason>", the cause kept; a failure that names the target already passes as it is. */
    private static IOException cannotWrite(Path given, IOException e) {
        if (e instanceof FileSystemException f) return f.getFile() != null && f.getFile().equals(given.toString()) ? f : renamed(given, f);
        String m = e.getMessage();
        if (m != null && m.startsWith("cannot write " + given + ":")) return e;
        return new IOException("cannot write " + given + ": " + (m == null || m.isBlank() ? e.getClass().getSimpleName() : m), e);
    }

    /** Opens a temporary file for {@code target}; the directory must exist and be writable. */
    public static AtomicFile create(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        if (Files.isSymbolicLink(absolute) && Files.isRegularFile(absolute)) {
            try {
                absolute = absolute.toRealPath(); // replace the file the link points to, keep the link
            } catch (IOException e) {
                // not resolvable as a path (/proc magic links): written as given
            }
        }
        if (Files.exists(absolute) && !Files.isRegularFile(absolute)) { // follows links: /dev/stdout, a FIFO
            if (Files.isDirectory(absolute)) throw new FileSystemException(target.toString(), null, "is a directory, not a file");
            try {
                return new AtomicFile(target, absolute, null, FileChannel.open(absolute, StandardOpenOption.WRITE));
            } catch (FileSystemException e) {
                throw renamed(target, e);
            }
        }
        while (true) {
            // Not Files.createTempFile: that forces mode 0600; CREATE_NEW honours the umask.
            Path tmp = absolute.resolveSibling("." + absolute.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
            OPEN.add(tmp);
            try {
                return new AtomicFile(target, absolute, tmp, FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
            } catch (FileAlreadyExistsException e) {
                OPEN.remove(tmp); // someone else's: pick another name
            } catch (IOException e) {
                OPEN.remove(tmp);
                throw e instanceof FileSystemException f ? renamed(target, f) : e;
            }
        }
    }

    /** Writes {@code body}'s bytes to {@code target} in full or not at all. */
    public static void write(Path target, Body body) throws IOException {
        try (AtomicFile f = create(target)) {
            OutputStream out = new java.io.BufferedOutputStream(f.stream(), 1 << 16);
            body.writeTo(out);
            out.flush();
            f.commit();
        }
    }

    /** Writes {@code text} as UTF-8 to {@code target} in full or not at all. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Where the bytes go until {@link #commit}; not buffered (wrap it). */
    public OutputStream stream() { return stream; }

    /** Writes all of {@code bytes} at the current position; a failure names the target. */
    public void write(java.nio.ByteBuffer bytes) throws IOException {
        try {
            while (bytes.hasRemaining()) channel.write(bytes);
        } catch (IOException e) {
            throw cannotWrite(given, e);
        }
    }

    /** Writes all of {@code bytes} at byte {@code position} (for files filled out of order); a failure names the target. */
    public void write(java.nio.ByteBuffer bytes, long position) throws IOException {
        try {
            for (long at = position; bytes.hasRemaining(); ) at += channel.write(bytes, at);
        } catch (IOException e) {
            throw cannotWrite(given, e);
        }
    }

    /** Forces the bytes to disk and renames the temporary file over the target. */
    public void commit() throws IOException {
        if (closed) throw new IllegalStateException("committed or closed already");
        try {
            if (tmp == null) {
                channel.close();
            } else {
                channel.force(true);
                channel.close();
                keepPermissions(target, tmp);
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw cannotWrite(given, e);
        }
        committed = closed = true;
        if (tmp != null) OPEN.remove(tmp);
    }

    /** A replaced file keeps its mode (a 0600 file stays 0600); a new file gets the umask's; no POSIX view: nothing to keep. */
    private static void keepPermissions(Path target, Path tmp) throws IOException {
        try {
            if (Files.isRegularFile(target)) Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
    }

    /** Deletes the temporary file unless {@link #commit} succeeded. */
    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        try {
            channel.close();
        } finally {
            if (!committed && tmp != null) {
                Files.deleteIfExists(tmp);
                OPEN.remove(tmp);
            }
        }
    }

    /** The same failure, told about the file the user named instead of the temporary one. */
    private static FileSystemException renamed(Path target, FileSystemException e) {
        Path dir = target.toAbsolutePath().getParent();
        String reason = e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
        FileSystemException named;
        if (e instanceof NoSuchFileException) {
            named = new NoSuchFileException(target.toString(), null, "cannot write: directory " + dir + " does not exist");
        } else if (e instanceof AccessDeniedException) {
            named = new AccessDeniedException(target.toString(), null, "cannot write: permission denied");
        } else {
            named = new FileSystemException(target.toString(), null, "cannot write: " + reason);
        }
        named.initCause(e);
        return named;
    }
}
