package dev.mcdrop.model;

/** An architecture that cannot be built: bad JSON, unknown layer type, or shapes that don't chain. */
public final class ArchitectureException extends IllegalArgumentException {
    public ArchitectureException(String message) { super(message); }
}
