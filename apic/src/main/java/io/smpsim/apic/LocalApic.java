package io.smpsim.apic;

import io.smpsim.cpu.Cpu;
import io.smpsim.cpu.InterruptController;
import io.smpsim.isa.Msr;
import io.smpsim.trace.TraceEvent;
import io.smpsim.trace.TraceSink;
import java.util.concurrent.atomic.AtomicInteger;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jctools.queues.MpscArrayQueue;

/**
 * One core's local APIC in x2APIC mode. Other cores deliver into it without locks: a fixed
 * interrupt sets its IRR bit with an atomic OR, an NMI sets a counter, and either then calls
 * {@link Cpu#signal()} so the target looks at its next instruction boundary (or its thread is
 * unparked from HLT). Everything else — ISR, TPR, the timer, the LVTs — belongs to the core's
 * thread. Priorities follow the SDM: a vector is delivered when its class (vector >> 4) is above
 * PPR = max(TPR, highest in-service class).
 */
public final class LocalApic implements InterruptController {
    private final int id;
    private final ApicBus bus;
    private Cpu cpu;
    private TraceSink trace = TraceSink.NONE;

    /** The IRR as four 64-bit words, set by any thread with an atomic OR (IRR_WORD), cleared by the owner. */
    private final long[] irr = new long[4];
    private static final VarHandle IRR_WORD = MethodHandles.arrayElementVarHandle(long[].class);
    private final long[] isr = new long[4];
    private final AtomicInteger nmis = new AtomicInteger();
    private final MpscArrayQueue<IpiRecord> records;
    private final IpiRecord[] outgoing;

    private int tpr;
    private int svr = 0xFF;
    private int esr;
    private int esrPending;
    private long icr;
    private int lvtLint0 = X2Apic.LVT_MASKED;
    private int lvtLint1 = X2Apic.LVT_MASKED;
    private int lvtError = X2Apic.LVT_MASKED;
    private int lvtThermal = X2Apic.LVT_MASKED;
    private int lvtPerf = X2Apic.LVT_MASKED;
    private int lvtCmci = X2Apic.LVT_MASKED;
    private final ApicTimer timer = new ApicTimer();
    private InterruptStorm storm;
    private long ipisSent;
    private long ipisReceived;
    private long lastIpiLatency = -1;

    LocalApic(int id, ApicBus bus, int cores) {
        this.id = id;
        this.bus = bus;
        this.records = new MpscArrayQueue<>(Math.max(8, Integer.highestOneBit(cores * 2 - 1) * 2));
        this.outgoing = new IpiRecord[cores];
        for (int i = 0; i < cores; i++) {
            outgoing[i] = new IpiRecord(id);
        }
    }

    void attach(Cpu c, TraceSink sink) {
        this.cpu = c;
        this.trace = sink;
    }

    public int id() {
        return id;
    }

    /** Routes an external interrupt storm to this core (null removes it). */
    public void setStorm(InterruptStorm s) {
        this.storm = s;
    }

    public InterruptStorm storm() {
        return storm;
    }

    // ------------------------------------------------------------------ delivery from anywhere

    /** A fixed interrupt arrives (from another core, a device, or this core): set IRR and poke the core. */
    public void acceptFixed(int vector) {
        if (vector < 16) {
            // vectors 0-15 are reserved for exceptions: the receiver logs an illegal vector
            synchronized (this) {
                esrPending |= X2Apic.ESR_RECEIVE_ILLEGAL_VECTOR;
            }
            return;
        }
        IRR_WORD.getAndBitwiseOr(irr, vector >>> 6, 1L << (vector & 63));
        Cpu c = cpu;
        if (c != null) {
            c.signal();
        }
    }

    /** An NMI arrives. */
    public void acceptNmi() {
        nmis.incrementAndGet();
        Cpu c = cpu;
        if (c != null) {
            c.signal();
        }
    }

    /** Called by a sender on its own thread: queue the record of an IPI to this core. */
    void record(LocalApic sender, int vector, int mode, long sentAt) {
        IpiRecord r = sender.outgoing[id];
        if (r.queued.compareAndSet(false, true)) {
            r.vector = vector;
            r.mode = mode;
            r.sentAt = sentAt;
            records.offer(r);
        }
    }

    /** Takes the IPI records that arrived, emitting their latency (in the receiver's clock). */
    private void drainRecords(long now) {
        IpiRecord r;
        while ((r = records.relaxedPoll()) != null) {
            long latency = now - r.sentAt;
            int vector = r.vector;
            int mode = r.mode;
            int source = r.source;
            r.queued.set(false);
            ipisReceived++;
            lastIpiLatency = latency;
            trace.event(id, TraceEvent.IPI_RECEIVED, now, 0, source, (long) vector | (long) mode << 8
                | Math.max(0, latency) << 16);
        }
    }

    // ------------------------------------------------------------------ InterruptController

    private int highestIrr() {
        for (int i = 3; i >= 0; i--) {
            long w = (long) IRR_WORD.getVolatile(irr, i);
            if (w != 0) {
                return i * 64 + 63 - Long.numberOfLeadingZeros(w);
            }
        }
        return -1;
    }

    private int highestIsr() {
        for (int i = 3; i >= 0; i--) {
            long w = isr[i];
            if (w != 0) {
                return i * 64 + 63 - Long.numberOfLeadingZeros(w);
            }
        }
        return -1;
    }

    /** Processor priority (SDM 11.8.3.1). */
    public int ppr() {
        int isrv = highestIsr();
        int isrClass = isrv < 0 ? 0 : isrv & 0xF0;
        return (tpr & 0xF0) >= isrClass ? tpr & 0xFF : isrClass;
    }

    private boolean enabled() {
        return (svr & X2Apic.SVR_ENABLE) != 0;
    }

    @Override
    public int pendingVector() {
        if (!enabled()) {
            return -1;
        }
        int v = highestIrr();
        if (v < 0) {
            return -1;
        }
        return (v & 0xF0) > (ppr() & 0xF0) ? v : -1;
    }

    @Override
    public void acknowledge(int vector) {
        IRR_WORD.getAndBitwiseAnd(irr, vector >>> 6, ~(1L << (vector & 63)));
        isr[vector >>> 6] |= 1L << (vector & 63);
        drainRecords(cpu == null ? 0 : cpu.cycles());
    }

    @Override
    public boolean nmiPending() {
        return nmis.get() > 0;
    }

    @Override
    public void acknowledgeNmi() {
        nmis.decrementAndGet();
        drainRecords(cpu == null ? 0 : cpu.cycles());
    }

    @Override
    public long nextDeadline() {
        long d = timer.deadline();
        InterruptStorm s = storm;
        return s == null ? d : Math.min(d, s.deadline());
    }

    @Override
    public void advanceTo(long cycles) {
        if (timer.expire(cycles) && !timer.masked() && enabled()) {
            acceptFixed(timer.vector());
        }
        InterruptStorm s = storm;
        if (s != null && s.arrive(cycles) && enabled()) {
            acceptFixed(s.vector());
        }
    }

    @Override
    public boolean hasMsr(int msr) {
        return Msr.isInterruptControllerMsr(msr);
    }

    @Override
    public boolean msrReadable(int msr) {
        return switch (msr) {
            case Msr.APIC_BASE, Msr.TSC_DEADLINE, X2Apic.ID, X2Apic.VERSION, X2Apic.TPR, X2Apic.PPR, X2Apic.LDR,
                 X2Apic.SVR, X2Apic.ESR, X2Apic.LVT_CMCI, X2Apic.ICR, X2Apic.LVT_TIMER, X2Apic.LVT_THERMAL,
                 X2Apic.LVT_PERF, X2Apic.LVT_LINT0, X2Apic.LVT_LINT1, X2Apic.LVT_ERROR, X2Apic.TIMER_INITIAL,
                 X2Apic.TIMER_CURRENT, X2Apic.TIMER_DIVIDE -> true;
            default -> msr >= X2Apic.ISR0 && msr <= X2Apic.IRR0 + 7;
        };
    }

    @Override
    public long readMsr(int msr, long cycles) {
        if (msr >= X2Apic.ISR0 && msr < X2Apic.ISR0 + 8) {
            return word(isr[(msr - X2Apic.ISR0) >>> 1], msr - X2Apic.ISR0);
        }
        if (msr >= X2Apic.TMR0 && msr < X2Apic.TMR0 + 8) {
            return 0; // every interrupt here is edge-triggered
        }
        if (msr >= X2Apic.IRR0 && msr < X2Apic.IRR0 + 8) {
            return word((long) IRR_WORD.getVolatile(irr, (msr - X2Apic.IRR0) >>> 1), msr - X2Apic.IRR0);
        }
        return switch (msr) {
            case Msr.APIC_BASE -> X2Apic.APIC_BASE_ADDRESS | X2Apic.APIC_BASE_EN | X2Apic.APIC_BASE_EXTD
                | (id == 0 ? X2Apic.APIC_BASE_BSP : 0);
            case Msr.TSC_DEADLINE -> timer.tscDeadline();
            case X2Apic.ID -> id;
            case X2Apic.VERSION -> X2Apic.VERSION_VALUE;
            case X2Apic.TPR -> tpr;
            case X2Apic.PPR -> ppr();
            case X2Apic.LDR -> ((long) (id >>> 4) << 16) | (1L << (id & 15));
            case X2Apic.SVR -> svr;
            case X2Apic.ESR -> esr;
            case X2Apic.ICR -> icr;
            case X2Apic.LVT_TIMER -> timer.lvt();
            case X2Apic.LVT_LINT0 -> lvtLint0;
            case X2Apic.LVT_LINT1 -> lvtLint1;
            case X2Apic.LVT_ERROR -> lvtError;
            case X2Apic.LVT_THERMAL -> lvtThermal;
            case X2Apic.LVT_PERF -> lvtPerf;
            case X2Apic.LVT_CMCI -> lvtCmci;
            case X2Apic.TIMER_INITIAL -> timer.initialCount();
            case X2Apic.TIMER_CURRENT -> timer.currentCount(cycles);
            case X2Apic.TIMER_DIVIDE -> timer.divide();
            default -> 0;
        };
    }

    /** 32-bit register k of a 256-bit set held as four longs. */
    private static long word(long w, int k) {
        return (k & 1) == 0 ? w & 0xFFFFFFFFL : w >>> 32;
    }

    @Override
    public boolean writeMsr(int msr, long v, long cycles) {
        switch (msr) {
            case Msr.APIC_BASE -> {
                // leaving x2APIC mode or disabling the APIC is outside the model
                long keep = X2Apic.APIC_BASE_EN | X2Apic.APIC_BASE_EXTD;
                return (v & keep) == keep;
            }
            case Msr.TSC_DEADLINE -> timer.setTscDeadline(v, cycles);
            case X2Apic.TPR -> {
                if ((v & ~0xFFL) != 0) {
                    return false;
                }
                tpr = (int) v;
            }
            case X2Apic.EOI -> {
                if (v != 0) {
                    return false; // a non-zero EOI write is #GP in x2APIC mode
                }
                eoi();
            }
            case X2Apic.SVR -> {
                if ((v & ~0x11FFL) != 0) {
                    return false;
                }
                svr = (int) v;
            }
            case X2Apic.ESR -> {
                if (v != 0) {
                    return false;
                }
                synchronized (this) {
                    esr = esrPending; // a write latches the errors seen since the last write
                    esrPending = 0;
                }
            }
            case X2Apic.ICR -> {
                if ((v & 0xFFF0000L & ~0xC0000L) != 0 || (v & (1L << 12)) != 0) {
                    return false; // reserved bits
                }
                icr = v;
                bus.send(this, v, cycles);
            }
            case X2Apic.LVT_TIMER -> timer.setLvt((int) v);
            case X2Apic.LVT_LINT0 -> lvtLint0 = (int) v & 0x1A7FF;
            case X2Apic.LVT_LINT1 -> lvtLint1 = (int) v & 0x1A7FF;
            case X2Apic.LVT_ERROR -> lvtError = (int) v & 0x100FF;
            case X2Apic.LVT_THERMAL -> lvtThermal = (int) v & 0x107FF;
            case X2Apic.LVT_PERF -> lvtPerf = (int) v & 0x107FF;
            case X2Apic.LVT_CMCI -> lvtCmci = (int) v & 0x107FF;
            case X2Apic.TIMER_INITIAL -> timer.setInitial(v, cycles);
            case X2Apic.TIMER_DIVIDE -> timer.setDivide((int) v);
            case X2Apic.SELF_IPI -> {
                if ((v & ~0xFFL) != 0) {
                    return false;
                }
                acceptFixed((int) v);
            }
            default -> {
                return false; // read-only or reserved: #GP
            }
        }
        return true;
    }

    private void eoi() {
        int v = highestIsr();
        if (v >= 0) {
            isr[v >>> 6] &= ~(1L << (v & 63));
        }
    }

    @Override
    public int readCr8() {
        return (tpr >>> 4) & 15;
    }

    @Override
    public void writeCr8(int value) {
        tpr = (value & 15) << 4;
    }

    void noteSendError(int bits) {
        synchronized (this) {
            esrPending |= bits;
        }
    }

    void countSent() {
        ipisSent++;
    }

    // ------------------------------------------------------------------ inspection

    public int tpr() {
        return tpr;
    }

    /** Whether vector v is set in the IRR (any thread). */
    public boolean irrSet(int v) {
        return ((long) IRR_WORD.getVolatile(irr, v >>> 6) & (1L << (v & 63))) != 0;
    }

    public boolean isrSet(int v) {
        return (isr[v >>> 6] & (1L << (v & 63))) != 0;
    }

    public long timerFired() {
        return timer.fired();
    }

    public long ipisSent() {
        return ipisSent;
    }

    public long ipisReceived() {
        return ipisReceived;
    }

    /** Simulated cycles between the last IPI's send (sender's clock) and its acceptance here, or -1. */
    public long lastIpiLatency() {
        return lastIpiLatency;
    }

    Cpu cpu() {
        return cpu;
    }
}
