package io.smpsim.isa;

/** Model-specific register numbers the simulated core implements. */
public final class Msr {
    private Msr() {}

    public static final int APIC_BASE = 0x1B;
    public static final int TSC = 0x10;
    public static final int TSC_DEADLINE = 0x6E0;
    public static final int X2APIC_FIRST = 0x800;
    public static final int X2APIC_LAST = 0x8FF;
    public static final int EFER = 0xC0000080;
    public static final int STAR = 0xC0000081;
    public static final int LSTAR = 0xC0000082;
    public static final int CSTAR = 0xC0000083;
    public static final int FMASK = 0xC0000084;
    public static final int FS_BASE = 0xC0000100;
    public static final int GS_BASE = 0xC0000101;
    public static final int KERNEL_GS_BASE = 0xC0000102;
    public static final int TSC_AUX = 0xC0000103;

    public static final long EFER_SCE = 1L;
    public static final long EFER_LME = 1L << 8;
    public static final long EFER_LMA = 1L << 10;
    public static final long EFER_NXE = 1L << 11;

    /** True for MSRs the local interrupt controller owns (x2APIC range and TSC deadline). */
    public static boolean isInterruptControllerMsr(int msr) {
        return (msr >= X2APIC_FIRST && msr <= X2APIC_LAST) || msr == TSC_DEADLINE || msr == APIC_BASE;
    }
}
