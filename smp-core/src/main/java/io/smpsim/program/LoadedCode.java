package io.smpsim.program;

/** A program's decoded text placed in physical memory at {@code physBase}. */
public record LoadedCode(Program program, DecodedCode code, long physBase) {
    public long physEnd() {
        return physBase + code.textLength;
    }

    /** The physical address of the instruction at decoded index i. */
    public long physOf(int i) {
        return physBase + (code.rip[i] - code.linkBase);
    }
}
