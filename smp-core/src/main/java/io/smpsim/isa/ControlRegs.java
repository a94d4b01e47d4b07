package io.smpsim.isa;

/** Control-register bits the MMU and exception logic look at. */
public final class ControlRegs {
    private ControlRegs() {}

    public static final long CR0_PE = 1L;
    public static final long CR0_WP = 1L << 16;
    public static final long CR0_PG = 1L << 31;
    public static final long CR4_PAE = 1L << 5;
    public static final long CR4_PGE = 1L << 7;
    public static final long CR4_FSGSBASE = 1L << 16;
    public static final long CR4_SMEP = 1L << 20;
    public static final long CR4_SMAP = 1L << 21;
}
