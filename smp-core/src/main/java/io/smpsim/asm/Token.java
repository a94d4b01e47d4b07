package io.smpsim.asm;

/** One lexical token of an assembly line, with the column it starts at. */
record Token(Kind kind, String text, long value, int col) {
    enum Kind { IDENT, NUMBER, REGISTER, STRING, PUNCT, LOCAL_REF, END }

    boolean is(String punct) {
        return kind == Kind.PUNCT && text.equals(punct);
    }

    String describe() {
        return switch (kind) {
            case END -> "end of line";
            case STRING -> "string";
            case REGISTER -> "`%" + text + "'";
            default -> "`" + text + "'";
        };
    }
}
