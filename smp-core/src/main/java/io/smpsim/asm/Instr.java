package io.smpsim.asm;

import io.smpsim.isa.Reg;

/**
 * One matched instruction: how it is encoded (prefixes, opcode, ModRM operands, immediate) and
 * what it means to the step loop (the decoded op and its fields). Size decisions that GNU as makes
 * from constant values (disp8, imm8) are fixed when the instruction is matched; only the
 * short/near choice of a jump is left to layout (relaxation).
 */
final class Instr {
    final Stmt.Instruction stmt;

    // ---- semantics for the decoded form
    int op;
    int size;
    int sub;
    int ra = -1;
    int rb = -1;
    int flags;
    /** Memory operand of the decoded form (also the ModRM memory operand, unless moffs). */
    Operand.Mem mem;
    /** Immediate value as the decoded form uses it. */
    Expr immValue;
    /** Direct branch target. */
    Expr target;

    // ---- encoding
    int segPrefix;
    boolean p66;
    int mandatoryPrefix;
    boolean lock;
    boolean rexW;
    boolean forceRex;
    int[] opcode;
    /** Register added to the last opcode byte (push %r, mov $i,%r, xchg %rax,%r); -1 if none. */
    int opcodeReg = -1;
    /** ModRM.reg: a register number or an opcode extension digit; -1 means no ModRM byte. */
    int modrmReg = -1;
    /** ModRM.rm register (mod = 11); -1 if rm is memory. */
    int modrmRmReg = -1;
    /** ModRM.rm memory operand. */
    Operand.Mem modrmMem;
    /** 0 none, 1 disp8, 4 disp32 (chosen when matched). */
    int dispSize;
    /** RIP-relative with a constant displacement: the displacement is the number written, not a target. */
    boolean ripConstant;
    /** Immediate bytes to emit and the expression they hold. */
    int immSize;
    Expr immEncoded;
    /** Whether the emitted immediate is checked as signed (sign-extended by the CPU). */
    boolean immSignedCheck;
    /** Bytes of an extra 16-bit immediate of ret. */
    /** moffs form of movabs (A0-A3): a 64-bit absolute address follows the opcode. */
    boolean moffs;
    /** Branches: size of the relative displacement (1 or 4); 0 for none. */
    int relSize;
    /** Short form opcode and near form opcode bytes of a relaxable branch. */
    int[] shortOpcode;
    int[] nearOpcode;
    boolean relaxable;

    Instr(Stmt.Instruction stmt) {
        this.stmt = stmt;
    }

    SourcePos pos() {
        return stmt.pos();
    }

    /** Sets the branch to its near (rel32) form. */
    void makeNear() {
        relSize = 4;
        opcode = nearOpcode;
    }

    static int regNum(Reg.Gpr g) {
        return g.num();
    }
}
