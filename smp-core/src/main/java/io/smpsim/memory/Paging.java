package io.smpsim.memory;

/** x86-64 4-level paging entry bits and page-fault error-code bits (SDM Vol. 3A, 4.5 and 4.7). */
public final class Paging {
    private Paging() {}

    public static final long PAGE_SIZE = 4096;
    public static final long P = 1L;
    public static final long RW = 1L << 1;
    public static final long US = 1L << 2;
    public static final long PWT = 1L << 3;
    public static final long PCD = 1L << 4;
    public static final long A = 1L << 5;
    public static final long D = 1L << 6;
    public static final long PS = 1L << 7;
    public static final long G = 1L << 8;
    public static final long NX = 1L << 63;
    public static final long ADDR_MASK = 0x000F_FFFF_FFFF_F000L;

    public static final int PF_P = 1;
    public static final int PF_W = 1 << 1;
    public static final int PF_U = 1 << 2;
    public static final int PF_RSVD = 1 << 3;
    public static final int PF_I = 1 << 4;

    /** True if bits 63:47 of a linear address are all equal (48-bit virtual addresses). */
    public static boolean isCanonical(long va) {
        return (va << 16) >> 16 == va;
    }
}
