package io.smpsim.isa;

/** GDT selectors as Linux lays them out (arch/x86/include/asm/segment.h, 64-bit). */
public final class Selectors {
    private Selectors() {}

    public static final int KERNEL32_CS = 0x08;
    public static final int KERNEL_CS = 0x10;
    public static final int KERNEL_DS = 0x18;
    public static final int USER32_CS = 0x23;
    public static final int USER_DS = 0x2b;
    public static final int USER_CS = 0x33;
    public static final int TSS = 0x40;
}
