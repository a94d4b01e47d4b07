package io.smpsim.report;

/** A report file that cannot be used (missing, not JSON, not smpsim's, inconsistent): a usage error. */
public final class ReportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ReportException(String message) {
        super(message);
    }
}
