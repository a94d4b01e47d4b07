package io.smpsim.asm;

/**
 * A malformed program. The message is {@code file:line:col: what was expected}, the form editors
 * and compilers use, so a user can jump straight to the spot.
 */
public final class AsmException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final SourcePos pos;
    private final String detail;

    public AsmException(SourcePos pos, String detail) {
        super(pos + ": " + detail);
        this.pos = pos;
        this.detail = detail;
    }

    public SourcePos pos() {
        return pos;
    }

    /** The message without the position. */
    public String detail() {
        return detail;
    }
}
