package io.smpsim.isa;

import java.util.HashMap;
import java.util.Map;

/**
 * General-purpose register numbering (the x86 encoding order, so the encoder can use the number
 * directly in ModRM/REX) and the extra register-file slots the step loop uses to compute effective
 * addresses without branches.
 */
public final class Reg {
    private Reg() {}

    public static final int RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7;
    public static final int R8 = 8, R9 = 9, R10 = 10, R11 = 11, R12 = 12, R13 = 13, R14 = 14, R15 = 15;

    /** Always zero: "no base" and "no index" in a memory operand point here. */
    public static final int ZERO = 16;
    /** Runtime RIP minus link-time RIP of the current code page; base of RIP-relative operands. */
    public static final int RIP_DELTA = 17;
    /** FS.base and GS.base live in the register file so a segment override is one more add. */
    public static final int FS_BASE = 18;
    public static final int GS_BASE = 19;
    /** Size of the register file array. */
    public static final int FILE_SIZE = 20;

    public static final String[] NAMES64 = {
        "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
        "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};
    private static final String[] NAMES32 = {
        "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
        "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"};
    private static final String[] NAMES16 = {
        "ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
        "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w"};
    private static final String[] NAMES8 = {
        "al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
        "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"};

    /** A named general-purpose register: number 0-15 and width in bytes. */
    public record Gpr(int num, int size, String name) {
        /** spl/bpl/sil/dil need a REX prefix to be encodable as byte registers. */
        public boolean needsRex() {
            return num >= 8 || (size == 1 && num >= 4);
        }
    }

    private static final Map<String, Gpr> BY_NAME = new HashMap<>();

    static {
        for (int i = 0; i < 16; i++) {
            BY_NAME.put(NAMES64[i], new Gpr(i, 8, NAMES64[i]));
            BY_NAME.put(NAMES32[i], new Gpr(i, 4, NAMES32[i]));
            BY_NAME.put(NAMES16[i], new Gpr(i, 2, NAMES16[i]));
            BY_NAME.put(NAMES8[i], new Gpr(i, 1, NAMES8[i]));
        }
    }

    /** Looks up a register by its AT&T name without the '%'; null if it is not a GPR of the subset. */
    public static Gpr gpr(String name) {
        return BY_NAME.get(name);
    }

    public static String name(int num, int size) {
        return switch (size) {
            case 8 -> NAMES64[num];
            case 4 -> NAMES32[num];
            case 2 -> NAMES16[num];
            case 1 -> NAMES8[num];
            default -> throw new IllegalArgumentException("size " + size);
        };
    }
}
