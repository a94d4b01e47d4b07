package io.smpsim.cli;

/** Bad input found after option parsing (an unreadable file, a malformed program): exit code 2. */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
