package io.smpsim.isa;

/**
 * Opcodes of the decoded form. Each names an operation together with its operand form
 * (R register, I immediate, M memory), so the step loop dispatches once per instruction and never
 * on an operand. Sub-operations (which ALU op, which condition) travel in the instruction's sub field.
 */
public final class Op {
    private Op() {}

    public static final int NOP = 0;
    public static final int MOV_RR = 1, MOV_RI = 2, MOV_RM = 3, MOV_MR = 4, MOV_MI = 5;
    /** movzx/movsx/movslq: sub = source size | SIGNED. */
    public static final int MOVX_RR = 6, MOVX_RM = 7;
    public static final int LEA = 8;
    /** Two-operand ALU: sub = one of the ALU_* constants. */
    public static final int ALU_RR = 9, ALU_RI = 10, ALU_RM = 11, ALU_MR = 12, ALU_MI = 13;
    public static final int ALU_MR_LOCK = 14, ALU_MI_LOCK = 15;
    /** inc/dec/neg/not: sub = UN_*. */
    public static final int UN_R = 16, UN_M = 17, UN_M_LOCK = 18;
    /** shl/shr/sar: sub = SH_*; count from the immediate or, with flag CL, from %cl. */
    public static final int SHIFT_R = 19, SHIFT_M = 20;
    /** Two- and three-operand imul (three-operand when the HAS_IMM flag is set). */
    public static final int IMUL_RR = 21, IMUL_RM = 22;
    /** One-operand mul/imul/div/idiv on rDX:rAX: sub = MD_*. */
    public static final int MULDIV_R = 23, MULDIV_M = 24;
    public static final int XCHG_RR = 25, XCHG_RM = 26;
    public static final int XADD_RR = 27, XADD_MR = 28, XADD_MR_LOCK = 29;
    public static final int CMPXCHG_RR = 30, CMPXCHG_MR = 31, CMPXCHG_MR_LOCK = 32;
    public static final int PUSH_R = 33, PUSH_I = 34, PUSH_M = 35, POP_R = 36, POP_M = 37;
    public static final int PUSHF = 38, POPF = 39;
    public static final int JMP = 40, JCC = 41, JMP_R = 42, JMP_M = 43;
    public static final int CALL = 44, CALL_R = 45, CALL_M = 46, RET = 47;
    public static final int SETCC_R = 48, SETCC_M = 49, CMOV_RR = 50, CMOV_RM = 51;
    /** cbw/cwde/cdqe (sub = size) and cwd/cdq/cqo. */
    public static final int CONVERT_A = 52, CONVERT_D = 53;
    public static final int SYSCALL = 54, SYSRET = 55, IRET = 56, SWAPGS = 57;
    /** rdfsbase/rdgsbase/wrfsbase/wrgsbase: sub = the register-file slot of the base. */
    public static final int RDSEGBASE = 58, WRSEGBASE = 59;
    public static final int CLI = 60, STI = 61, HLT = 62, PAUSE = 63;
    public static final int RDMSR = 64, WRMSR = 65, RDTSC = 66, RDTSCP = 67;
    public static final int MFENCE = 68, LFENCE = 69, SFENCE = 70;
    public static final int INT3 = 71, UD2 = 72, VMCALL = 73;
    /** clc/stc/cmc/cld/std: sub = FL_*. */
    public static final int FLAGOP = 74;
    /** lidt/lgdt: sub = 0 idt, 1 gdt. */
    public static final int LDT_TABLE = 75;
    public static final int LTR_R = 76, LTR_M = 77, INVLPG = 78;
    /** mov to/from control registers: sub = CR number. */
    public static final int MOV_FROM_CR = 79, MOV_TO_CR = 80;
    /** mov to/from segment registers: sub = SREG_*. */
    public static final int MOV_FROM_SREG = 81, MOV_TO_SREG = 82;
    public static final int CPUID = 83;
    public static final int INT_N = 84;
    /** No decoded instruction starts here (data in .text, or past its end): executing it is #UD. */
    public static final int BAD = 85;
    public static final int COUNT = 86;

    public static final int ALU_ADD = 0, ALU_OR = 1, ALU_ADC = 2, ALU_SBB = 3, ALU_AND = 4, ALU_SUB = 5,
        ALU_XOR = 6, ALU_CMP = 7, ALU_TEST = 8;
    public static final int UN_INC = 0, UN_DEC = 1, UN_NEG = 2, UN_NOT = 3;
    public static final int SH_SHL = 4, SH_SHR = 5, SH_SAR = 7;
    public static final int MD_MUL = 4, MD_IMUL = 5, MD_DIV = 6, MD_IDIV = 7;
    public static final int FL_CLC = 0, FL_STC = 1, FL_CMC = 2, FL_CLD = 3, FL_STD = 4;
    public static final int SREG_ES = 0, SREG_CS = 1, SREG_SS = 2, SREG_DS = 3, SREG_FS = 4, SREG_GS = 5;
    public static final int MOVX_SIGNED = 0x10;

    // Flags in the instruction's flag field.
    /** This instruction starts on a different page than the one before it, or spans two pages. */
    public static final int F_NEWPAGE = 1;
    public static final int F_LOCK = 2;
    public static final int F_HAS_IMM = 4;
    /** Shift count from %cl. */
    public static final int F_CL = 8;
    /** The memory operand is addressed through RSP or RBP: a non-canonical address is #SS, not #GP. */
    public static final int F_STACK_SEG = 16;
    /** The memory operand has a %gs: override (per-CPU data in kernel code). */
    public static final int F_GS = 32;
    /** A probe is set on this instruction: the core calls its probe handler at the boundary before it. */
    public static final int F_PROBE = 64;

    private static final String[] NAMES = {
        "nop", "mov_rr", "mov_ri", "mov_rm", "mov_mr", "mov_mi",
        "movx_rr", "movx_rm", "lea", "alu_rr", "alu_ri", "alu_rm",
        "alu_mr", "alu_mi", "alu_mr_lock", "alu_mi_lock", "un_r", "un_m",
        "un_m_lock", "shift_r", "shift_m", "imul_rr", "imul_rm", "muldiv_r",
        "muldiv_m", "xchg_rr", "xchg_rm", "xadd_rr", "xadd_mr", "xadd_mr_lock",
        "cmpxchg_rr", "cmpxchg_mr", "cmpxchg_mr_lock", "push_r", "push_i", "push_m",
        "pop_r", "pop_m", "pushf", "popf", "jmp", "jcc",
        "jmp_r", "jmp_m", "call", "call_r", "call_m", "ret",
        "setcc_r", "setcc_m", "cmov_rr", "cmov_rm", "convert_a", "convert_d",
        "syscall", "sysret", "iret", "swapgs", "rdsegbase", "wrsegbase",
        "cli", "sti", "hlt", "pause", "rdmsr", "wrmsr",
        "rdtsc", "rdtscp", "mfence", "lfence", "sfence", "int3",
        "ud2", "vmcall", "flagop", "ldt_table", "ltr_r", "ltr_m",
        "invlpg", "mov_from_cr", "mov_to_cr", "mov_from_sreg", "mov_to_sreg", "cpuid",
        "int_n", "bad"};

    /** A readable name of a decoded opcode, for traces and dumps. */
    public static String name(int op) {
        return op >= 0 && op < COUNT && NAMES[op] != null ? NAMES[op] : "op" + op;
    }
}
