package io.smpsim.program;

import io.smpsim.isa.Op;

/**
 * A program's text decoded once into flat arrays, so the step loop never parses, allocates or
 * dispatches on an operand. Instruction i occupies {@link #STRIDE} ints of {@link #code} and two
 * longs of {@link #imm}:
 * <pre>
 * code[b+0]  op | cycle cost &lt;&lt; 16         (cost filled in per machine by {@link #withCosts})
 * code[b+1]  size | sub &lt;&lt; 4 | flags &lt;&lt; 12   (size in bytes: 1, 2, 4 or 8)
 * code[b+2]  ra: destination / first register
 * code[b+3]  rb: source / second register
 * code[b+4]  memory base slot  (Reg.ZERO when none, Reg.RIP_DELTA for %rip)
 * code[b+5]  memory index slot (Reg.ZERO when none)
 * code[b+6]  scale shift | segment slot &lt;&lt; 4 | length &lt;&lt; 12
 * code[b+7]  index of a direct branch target in this program, or -1
 * imm[2i]    immediate, or the target address of a direct branch
 * imm[2i+1]  displacement; for %rip operands the absolute link-time address
 * </pre>
 * The effective address of a memory operand is therefore always
 * {@code disp + r[base] + (r[index] << scale) + r[seg]}, with no branch.
 */
public final class DecodedCode {
    public static final int STRIDE = 8;

    public final int[] code;
    public final long[] imm;
    /** Link-time address of each instruction. */
    public final long[] rip;
    /** Link address of the first byte of the text section. */
    public final long linkBase;
    /** Length in bytes of the text section. */
    public final int textLength;
    /** Byte offset from linkBase to the index of the instruction starting there, or -1. */
    private final int[] indexAt;
    /** Source position ("file:line") and text of each instruction, for traces and reports. */
    private final String[] where;
    private final String[] text;

    public DecodedCode(int[] code, long[] imm, long[] rip, long linkBase, int textLength, int[] indexAt,
                       String[] where, String[] text) {
        this.code = code;
        this.imm = imm;
        this.rip = rip;
        this.linkBase = linkBase;
        this.textLength = textLength;
        this.indexAt = indexAt;
        this.where = where;
        this.text = text;
    }

    public int count() {
        return rip.length;
    }

    /** The index of the instruction starting at link address {@code addr}, or -1. */
    public int indexOf(long addr) {
        long off = addr - linkBase;
        if (off < 0 || off >= textLength) {
            return -1;
        }
        return indexAt[(int) off];
    }

    public boolean contains(long addr) {
        return addr >= linkBase && addr < linkBase + textLength;
    }

    public int op(int i) {
        return code[i * STRIDE] & 0xFFFF;
    }

    public int length(int i) {
        return code[i * STRIDE + 6] >>> 12;
    }

    public String where(int i) {
        return where[i];
    }

    public String text(int i) {
        return text[i];
    }

    /** Sets or clears the probe flag of instruction i (the core calls its probe handler before it). */
    public void setProbe(int i, boolean on) {
        int flag = Op.F_PROBE << 12;
        int b = i * STRIDE + 1;
        code[b] = on ? code[b] | flag : code[b] & ~flag;
    }

    public boolean probed(int i) {
        return (code[i * STRIDE + 1] & (Op.F_PROBE << 12)) != 0;
    }

    /** A copy whose instructions carry the cycle cost that {@code costs} gives each. */
    public DecodedCode withCosts(CostModel costs) {
        int[] c = code.clone();
        for (int i = 0; i < count(); i++) {
            int b = i * STRIDE;
            int op = c[b] & 0xFFFF;
            boolean mem = c[b + 4] != io.smpsim.isa.Reg.ZERO || c[b + 5] != io.smpsim.isa.Reg.ZERO
                || hasMemoryOperand(op);
            int cost = Math.min(0x7FFF, costs.cost(op, (c[b + 1] >>> 4) & 0xFF, mem));
            c[b] = op | cost << 16;
        }
        return new DecodedCode(c, imm, rip, linkBase, textLength, indexAt, where, text);
    }

    /** Whether the decoded op reads or writes a memory operand (not counting the stack). */
    public static boolean hasMemoryOperand(int op) {
        return switch (op) {
            case Op.MOV_RM, Op.MOV_MR, Op.MOV_MI, Op.MOVX_RM, Op.ALU_RM, Op.ALU_MR, Op.ALU_MI, Op.ALU_MR_LOCK,
                 Op.ALU_MI_LOCK, Op.UN_M, Op.UN_M_LOCK, Op.SHIFT_M, Op.IMUL_RM, Op.MULDIV_M, Op.XCHG_RM,
                 Op.XADD_MR, Op.XADD_MR_LOCK, Op.CMPXCHG_MR, Op.CMPXCHG_MR_LOCK, Op.PUSH_M, Op.POP_M,
                 Op.JMP_M, Op.CALL_M, Op.SETCC_M, Op.CMOV_RM, Op.LDT_TABLE, Op.LTR_M -> true;
            default -> false;
        };
    }
}
