package io.smpsim.apic;

import io.smpsim.cpu.Cpu;
import io.smpsim.machine.Machine;
import io.smpsim.trace.TraceEvent;
import io.smpsim.trace.TraceSink;
import java.util.List;

/**
 * The machine's local APICs and the message fabric between them: decodes ICR writes (fixed,
 * lowest-priority and NMI delivery; physical and x2APIC logical destinations; the self, all and
 * all-but-self shorthands) and delivers to the targets.
 */
public final class ApicBus {
    private final LocalApic[] apics;
    private final TraceSink trace;
    /** IPI records cost cross-core cache traffic; they are kept only when someone reads them. */
    private volatile boolean records;

    private ApicBus(int cores, TraceSink trace) {
        this.trace = trace;
        this.records = trace != TraceSink.NONE;
        apics = new LocalApic[cores];
        for (int i = 0; i < cores; i++) {
            apics[i] = new LocalApic(i, this, cores);
        }
    }

    /** Creates one x2APIC per core of the machine and installs them as the cores' interrupt controllers. */
    public static ApicBus install(Machine m, TraceSink trace) {
        ApicBus bus = new ApicBus(m.cores(), trace);
        for (Cpu c : m.cpus()) {
            bus.apics[c.id()].attach(c, trace);
            c.setInterruptController(bus.apics[c.id()]);
        }
        return bus;
    }

    public static ApicBus install(Machine m) {
        return install(m, TraceSink.NONE);
    }

    /**
     * Keeps a record of every IPI (source, mode, send time) for the receiver's trace events and
     * latency figures. On by default when tracing; off it saves two queue operations per IPI.
     */
    public void recordIpis(boolean on) {
        records = on;
    }

    public LocalApic apic(int cpu) {
        return apics[cpu];
    }

    public List<LocalApic> apics() {
        return List.of(apics);
    }

    /** Routes a seeded interrupt storm of {@code ratePerSecond} on {@code vector} to each chosen core. */
    public void routeStorm(int[] cpus, int vector, double ratePerSecond, double cyclesPerSecond, long seed) {
        for (int c : cpus) {
            apics[c].setStorm(new InterruptStorm(vector, ratePerSecond, cyclesPerSecond, seed * 1_000_003L + c));
        }
    }

    /** Sends an IPI as an ICR write of {@code from} would (called on the sender's thread). */
    public void send(LocalApic from, long icr, long now) {
        int vector = (int) icr & 0xFF;
        int mode = (int) (icr >>> 8) & 7;
        boolean logical = (icr & (1L << 11)) != 0;
        int shorthand = (int) (icr >>> 18) & 3;
        long dest = icr >>> 32;
        if ((mode == X2Apic.MODE_FIXED || mode == X2Apic.MODE_LOWEST) && vector < 16) {
            from.noteSendError(X2Apic.ESR_SEND_ILLEGAL_VECTOR);
            return;
        }
        if (mode != X2Apic.MODE_FIXED && mode != X2Apic.MODE_LOWEST && mode != X2Apic.MODE_NMI) {
            return; // SMI, INIT and SIPI are not modelled: every core starts running at boot
        }
        from.countSent();
        trace.event(from.id(), TraceEvent.IPI_SENT, now, 0, shorthand == X2Apic.SHORTHAND_NONE ? dest
            : -shorthand, vector | (long) mode << 8);
        boolean lowestDone = false;
        for (LocalApic to : apics) {
            boolean hit = switch (shorthand) {
                case X2Apic.SHORTHAND_SELF -> to == from;
                case X2Apic.SHORTHAND_ALL -> true;
                case X2Apic.SHORTHAND_OTHERS -> to != from;
                default -> matches(to.id(), dest, logical);
            };
            if (!hit || (mode == X2Apic.MODE_LOWEST && lowestDone)) {
                continue;
            }
            lowestDone = true;
            if (records) {
                to.record(from, vector, mode, now);
            }
            if (mode == X2Apic.MODE_NMI) {
                to.acceptNmi();
            } else {
                to.acceptFixed(vector);
            }
        }
    }

    private static boolean matches(int id, long dest, boolean logical) {
        if (dest == X2Apic.BROADCAST) {
            return true;
        }
        if (!logical) {
            return dest == id;
        }
        // x2APIC logical mode: cluster in bits 31:16, a bitmap of 16 cores in bits 15:0
        return (dest >>> 16) == (id >>> 4) && (dest & (1L << (id & 15))) != 0;
    }
}
