package io.smpsim.machine;

import io.smpsim.cpu.Cpu;
import io.smpsim.isa.Reg;
import io.smpsim.isa.Selectors;
import io.smpsim.memory.BumpFrameAllocator;
import io.smpsim.memory.PageTables;
import io.smpsim.memory.Paging;
import io.smpsim.program.Program;

/**
 * The bare-metal setup of {@code smpsim run}: memory identity-mapped from 0 to its size with
 * present, writable, supervisor 2 MiB pages (the tables live in the top pages of memory), the
 * program at its link address 0x100000, and every core at {@code _start} in 64-bit mode at CPL 0
 * with CS = 0x10, SS = 0x18, IF = 0, RDI = its index and RSP at the top of its own 64 KiB stack
 * below 0x100000 (CPU i: [0x100000 - (i+1) * 64K, 0x100000 - i * 64K)).
 */
public final class BareMetal {
    public static final long LOAD_ADDRESS = 0x100000;
    public static final long STACK_SIZE = 0x10000;
    public static final int MAX_CORES = (int) (LOAD_ADDRESS / STACK_SIZE);

    private BareMetal() {}

    /** Loads the program and points every core at its entry. Throws IllegalArgumentException on a bad setup. */
    public static void boot(Machine m, Program p, String entry) {
        if (m.cores() > MAX_CORES) {
            throw new IllegalArgumentException("a bare-metal run has at most " + MAX_CORES
                + " cores: each gets a 64 KiB stack below 0x100000");
        }
        if (p.textBase() != LOAD_ADDRESS) {
            throw new IllegalArgumentException("bare-metal programs are linked at 0x100000");
        }
        long entryAddress = p.symbol(entry).orElseThrow(() -> new IllegalArgumentException(
            "the program has no `" + entry + "' label to start at"));
        long size = m.memory().size();
        int tablePages = (int) ((size + (1L << 30) - 1) >>> 30) + 2; // PML4, PDPT, one PD per GiB
        long tablesLow = size - tablePages * Paging.PAGE_SIZE;
        if (p.end() > tablesLow) {
            throw new IllegalArgumentException("the program ends at 0x" + Long.toHexString(p.end())
                + ": memory of 0x" + Long.toHexString(size) + " bytes leaves no room for it and the page tables");
        }
        m.load(p, LOAD_ADDRESS);
        PageTables pt = new PageTables(m.memory(), new BumpFrameAllocator(m.memory(), tablesLow, size));
        long root = pt.newRoot();
        long twoMeg = 1L << 21;
        for (long a = 0; a < size; a += twoMeg) {
            if (a + twoMeg <= size) {
                pt.map2m(root, a, a, Paging.RW);
            } else {
                pt.mapRange(root, a, a, size - a, Paging.RW);
            }
        }
        for (Cpu c : m.cpus()) {
            c.setCr3(root);
            c.setSegments(Selectors.KERNEL_CS, Selectors.KERNEL_DS);
            c.setRflags(0);
            c.setReg(Reg.RDI, c.id());
            c.setReg(Reg.RSP, LOAD_ADDRESS - c.id() * STACK_SIZE);
            c.startAt(entryAddress);
        }
    }
}
