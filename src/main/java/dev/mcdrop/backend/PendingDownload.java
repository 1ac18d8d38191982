package dev.mcdrop.backend;

/**
 * A device-to-host copy in flight, from {@link Backend#downloadAsync}. The destination array
 * holds the data once {@link #await} returns; until then the caller must neither read nor write
 * it. Lets the host prepare the next batch while the device finishes this one.
 */
@FunctionalInterface
public interface PendingDownload {
    /** A download that already finished (backends that compute synchronously). */
    PendingDownload DONE = () -> {};

    /** Blocks until the data is in the destination array. Calling it again does nothing. */
    void await();
}
