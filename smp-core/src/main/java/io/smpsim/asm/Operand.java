package io.smpsim.asm;

import io.smpsim.isa.Reg;

/** A parsed instruction operand in AT&T syntax. */
sealed interface Operand {
    SourcePos pos();

    /** {@code *} before the operand: an indirect branch target. */
    boolean indirect();

    /** A general-purpose register. */
    record Gpr(Reg.Gpr reg, boolean indirect, SourcePos pos) implements Operand {}

    /** A segment register (es cs ss ds fs gs as 0-5). */
    record Sreg(int num, String name, boolean indirect, SourcePos pos) implements Operand {}

    /** A control register %crN. */
    record Creg(int num, boolean indirect, SourcePos pos) implements Operand {}

    /** {@code $expr}. */
    record Imm(Expr value, boolean indirect, SourcePos pos) implements Operand {}

    /**
     * {@code [%seg:]disp(base,index,scale)}; base null means none; ripRelative means base was %rip.
     * disp null means no displacement was written.
     */
    record Mem(int segment, Expr disp, Reg.Gpr base, boolean ripRelative, Reg.Gpr index, int scale,
               boolean indirect, SourcePos pos) implements Operand {
        /** A plain expression with nothing else: a direct branch target when not indirect. */
        boolean isBareExpression() {
            return segment < 0 && base == null && !ripRelative && index == null && disp != null;
        }
    }
}
