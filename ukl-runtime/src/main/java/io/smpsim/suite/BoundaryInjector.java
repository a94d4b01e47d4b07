package io.smpsim.suite;

import io.smpsim.apic.ApicBus;
import io.smpsim.cpu.Cpu;
import io.smpsim.cpu.ProbeHandler;
import io.smpsim.kernel.Kernel;
import io.smpsim.kernel.Layout;
import io.smpsim.program.DecodedCode;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Steers interrupts, NMIs, reschedule IPIs and forced migrations at the instruction boundaries of the entry code, where the
 * races live: a probe on every instruction of the entry text makes an event pending at the
 * boundary before it, either at a seeded random fraction of visits or, in a sweep, at each
 * boundary's first visits. Counts per boundary are kept for the report's coverage. Each CPU draws
 * from its own seeded generator, so a deterministic run injects the same events in the same places.
 */
public final class BoundaryInjector implements ProbeHandler {
    public static final int INTERRUPT = 0;
    public static final int NMI = 1;
    public static final int IPI = 2;
    /** The current task is made to switch out and continue on another CPU (the migration thread's work). */
    public static final int MIGRATE = 3;
    private static final int KINDS = 4;

    private final ApicBus apics;
    private final Kernel kernel;
    private final StressConfig.Injection mode;
    private final long start;
    private final long[] rips;
    /** Byte offset from start to the boundary index of the instruction starting there, or -1. */
    private final int[] indexAt;
    private final SplittableRandom[] random;
    /** [cpu][boundary * KINDS + kind]: events injected. Touched only by that CPU's thread. */
    private final long[][] injected;
    private final int[] kinds;

    /** Probes every instruction of {@code kernel}'s entry text. */
    public BoundaryInjector(Kernel kernel, StressConfig.Injection mode, long seed) {
        this.apics = kernel.apics();
        this.kernel = kernel;
        this.mode = mode;
        this.start = kernel.checker().entryStart();
        long end = kernel.checker().entryEnd();
        DecodedCode code = kernel.image().decoded();
        int[] at = new int[(int) (end - start)];
        Arrays.fill(at, -1);
        long[] found = new long[at.length];
        int n = 0;
        for (long rip = start; rip < end; rip++) {
            if (code.indexOf(rip) >= 0) {
                at[(int) (rip - start)] = n;
                found[n++] = rip;
            }
        }
        this.rips = Arrays.copyOf(found, n);
        this.indexAt = at;
        int cpus = kernel.machine().cores();
        this.random = new SplittableRandom[cpus];
        this.injected = new long[cpus][n * KINDS];
        for (int c = 0; c < cpus; c++) {
            random[c] = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + c);
        }
        int[] k = new int[KINDS];
        int m = 0;
        if (mode.interrupts()) {
            k[m++] = INTERRUPT;
        }
        if (mode.nmis()) {
            k[m++] = NMI;
        }
        if (mode.ipis()) {
            k[m++] = IPI;
        }
        if (mode.migrations() && cpus > 1) {
            k[m++] = MIGRATE;
        }
        this.kinds = Arrays.copyOf(k, m);
        if (mode.enabled()) {
            for (long rip : rips) {
                kernel.machine().setProbe(rip, true);
            }
            kernel.machine().setProbeHandler(this);
        }
    }

    @Override
    public boolean atProbe(Cpu cpu, long rip) {
        long off = rip - start;
        if (off < 0 || off >= indexAt.length || kinds.length == 0) {
            return false;
        }
        int b = indexAt[(int) off];
        if (b < 0) {
            return false;
        }
        int c = cpu.id();
        long[] counts = injected[c];
        int kind;
        if (mode.quota() > 0) {
            kind = -1; // a sweep: the first kind this boundary still owes
            for (int k : kinds) {
                if (counts[b * KINDS + k] < mode.quota()) {
                    kind = k;
                    break;
                }
            }
            if (kind < 0) {
                return false;
            }
        } else {
            SplittableRandom r = random[c];
            if (r.nextDouble() >= mode.probability()) {
                return false;
            }
            kind = kinds[r.nextInt(kinds.length)];
        }
        switch (kind) {
            case INTERRUPT -> apics.apic(c).acceptFixed(Layout.VEC_DEVICE);
            case NMI -> apics.apic(c).acceptNmi();
            case IPI -> kernel.requestReschedule(c); // as if another CPU woke a task that preempts this one
            default -> {
                if (!kernel.requestMigration(c)) {
                    return false; // the idle task, or a task pinned here: nothing to move
                }
            }
        }
        counts[b * KINDS + kind]++;
        return true;
    }

    /** The probed boundaries (instruction addresses of the entry text), ascending. */
    public long[] boundaries() {
        return rips.clone();
    }

    /** Events of {@code kind} injected at the boundary before {@code rip}, over all CPUs. */
    public long injectedAt(long rip, int kind) {
        long off = rip - start;
        if (off < 0 || off >= indexAt.length || indexAt[(int) off] < 0) {
            return 0;
        }
        int b = indexAt[(int) off];
        long n = 0;
        for (long[] c : injected) {
            n += c[b * KINDS + kind];
        }
        return n;
    }

    public long total() {
        long n = 0;
        for (long[] c : injected) {
            for (long v : c) {
                n += v;
            }
        }
        return n;
    }
}
