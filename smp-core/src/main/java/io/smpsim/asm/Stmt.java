package io.smpsim.asm;

import java.util.List;

/** A parsed source statement. */
sealed interface Stmt {
    SourcePos pos();

    record Label(String name, SourcePos pos) implements Stmt {}

    /** A directive with its raw argument tokens (each directive parses its own arguments). */
    record Directive(String name, List<Token> args, SourcePos pos) implements Stmt {}

    /** An instruction; {@code lock} is the only prefix of the subset. */
    record Instruction(boolean lock, String mnemonic, List<Operand> operands, String text, SourcePos pos,
                       SourcePos mnemonicPos) implements Stmt {}
}
