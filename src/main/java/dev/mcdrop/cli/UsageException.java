package dev.mcdrop.cli;

/**
 * A usage error found after parsing, when options are combined or meet the input (two options
 * that contradict each other, T × B beyond what one batch can hold): {@link Main} prints its
 * message as one line and exits with 2, as for a value refused while parsing.
 */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
