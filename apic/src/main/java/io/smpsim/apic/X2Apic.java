package io.smpsim.apic;

/** x2APIC MSR addresses and register bits (SDM Vol. 3A, 11.12). */
public final class X2Apic {
    private X2Apic() {}

    public static final int ID = 0x802;
    public static final int VERSION = 0x803;
    public static final int TPR = 0x808;
    public static final int PPR = 0x80A;
    public static final int EOI = 0x80B;
    public static final int LDR = 0x80D;
    public static final int SVR = 0x80F;
    public static final int ISR0 = 0x810;
    public static final int TMR0 = 0x818;
    public static final int IRR0 = 0x820;
    public static final int ESR = 0x828;
    public static final int LVT_CMCI = 0x82F;
    public static final int ICR = 0x830;
    public static final int LVT_TIMER = 0x832;
    public static final int LVT_THERMAL = 0x833;
    public static final int LVT_PERF = 0x834;
    public static final int LVT_LINT0 = 0x835;
    public static final int LVT_LINT1 = 0x836;
    public static final int LVT_ERROR = 0x837;
    public static final int TIMER_INITIAL = 0x838;
    public static final int TIMER_CURRENT = 0x839;
    public static final int TIMER_DIVIDE = 0x83E;
    public static final int SELF_IPI = 0x83F;

    /** Version register: version 0x14, six LVT entries. */
    public static final int VERSION_VALUE = 0x00050014;
    public static final long APIC_BASE_ADDRESS = 0xFEE00000L;
    public static final long APIC_BASE_BSP = 1L << 8;
    public static final long APIC_BASE_EXTD = 1L << 10;
    public static final long APIC_BASE_EN = 1L << 11;

    public static final int SVR_ENABLE = 1 << 8;
    public static final int LVT_MASKED = 1 << 16;
    public static final int TIMER_ONE_SHOT = 0;
    public static final int TIMER_PERIODIC = 1;
    public static final int TIMER_TSC_DEADLINE = 2;

    public static final int ESR_SEND_ILLEGAL_VECTOR = 1 << 5;
    public static final int ESR_RECEIVE_ILLEGAL_VECTOR = 1 << 6;
    public static final int ESR_ILLEGAL_REGISTER = 1 << 7;

    // ICR fields
    public static final int MODE_FIXED = 0;
    public static final int MODE_LOWEST = 1;
    public static final int MODE_SMI = 2;
    public static final int MODE_NMI = 4;
    public static final int MODE_INIT = 5;
    public static final int MODE_STARTUP = 6;
    public static final int SHORTHAND_NONE = 0;
    public static final int SHORTHAND_SELF = 1;
    public static final int SHORTHAND_ALL = 2;
    public static final int SHORTHAND_OTHERS = 3;
    public static final long BROADCAST = 0xFFFFFFFFL;

    /** Builds an ICR value (for Java-side senders and tests). */
    public static long icr(int vector, int mode, int shorthand, long destination) {
        return (vector & 0xFF) | (long) (mode & 7) << 8 | (long) (shorthand & 3) << 18 | destination << 32;
    }

    /** The divide value of the timer divide configuration register (bits 0, 1 and 3). */
    public static int divisor(int dcr) {
        int code = (dcr & 3) | ((dcr >>> 1) & 4);
        return code == 7 ? 1 : 2 << code;
    }
}
