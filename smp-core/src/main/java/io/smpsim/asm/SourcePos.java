package io.smpsim.asm;

/** A place in an assembly source: file name, 1-based line and 1-based column. */
public record SourcePos(String file, int line, int col) {
    @Override
    public String toString() {
        return file + ":" + line + ":" + col;
    }
}
