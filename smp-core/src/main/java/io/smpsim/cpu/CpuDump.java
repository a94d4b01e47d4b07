package io.smpsim.cpu;

import io.smpsim.isa.Reg;

/** The architectural state of a core at one moment, for reports, state dumps and tests. */
public record CpuDump(int id, Cpu.State state, long[] gprs, long rip, long rflags, int cs, int ss, int cpl,
                      long fsBase, long gsBase, long kernelGsBase, long cr0, long cr2, long cr3, long cr4, long efer,
                      long cycles, long retired, String shutdownReason, String where) {
    public long gpr(int n) {
        return gprs[n];
    }

    /** A multi-line human-readable dump. */
    public String format() {
        StringBuilder s = new StringBuilder();
        s.append(String.format("CPU %d  %s  CPL %d  cycles %d  retired %d%n", id, state, cpl, cycles, retired));
        for (int i = 0; i < 16; i++) {
            s.append(String.format("%4s=%016x%s", Reg.NAMES64[i], gprs[i], i % 4 == 3 ? "\n" : "  "));
        }
        s.append(String.format(" rip=%016x  rflags=%016x  cs=%04x ss=%04x%n", rip, rflags, cs, ss));
        s.append(String.format(" fs.base=%016x gs.base=%016x kernel_gs=%016x%n", fsBase, gsBase, kernelGsBase));
        s.append(String.format(" cr0=%x cr2=%x cr3=%x cr4=%x efer=%x%n", cr0, cr2, cr3, cr4, efer));
        s.append(" at ").append(where);
        if (shutdownReason != null) {
            s.append("\n shutdown: ").append(shutdownReason);
        }
        return s.toString();
    }
}
