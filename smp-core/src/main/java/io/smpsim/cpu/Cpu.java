package io.smpsim.cpu;

import io.smpsim.isa.ControlRegs;
import io.smpsim.isa.Msr;
import io.smpsim.isa.Op;
import io.smpsim.isa.Reg;
import io.smpsim.isa.Rflags;
import io.smpsim.isa.Vector;
import io.smpsim.memory.Mmu;
import io.smpsim.memory.Paging;
import io.smpsim.memory.PhysicalMemory;
import io.smpsim.program.CodeMap;
import io.smpsim.program.DecodedCode;
import io.smpsim.program.LoadedCode;
import io.smpsim.trace.TraceEvent;
import io.smpsim.trace.TraceSink;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * One simulated x86-64 core in 64-bit mode: registers, lazily computed flags, the step loop, and
 * exception and interrupt delivery as the SDM defines them. The step loop runs decoded code,
 * allocates nothing, takes no lock and throws nothing for simulated faults: a fault is recorded and
 * delivered through the IDT like on hardware. Interrupts are recognised at every instruction
 * boundary through one opaque read of {@link #attention} and one compare of the cycle counter.
 *
 * <p>A core is driven by one thread at a time (an executor); other threads only call
 * {@link #signal()}, {@link #requestStop()} and {@link #requestTlbFlush()}.
 */
public final class Cpu {
    /** Why {@link #run} returned. */
    public static final int EXIT_LIMIT = 1;
    public static final int EXIT_HALT = 2;
    public static final int EXIT_SHUTDOWN = 3;
    public static final int EXIT_STOP = 4;
    public static final int EXIT_PAUSE_LOOP = 5;
    public static final int EXIT_YIELD = 6;

    public enum State { RUNNING, HALTED, SHUTDOWN }

    // lazy-flag kinds
    static final int K_RAW = 0, K_ADD = 1, K_ADC = 2, K_SUB = 3, K_SBB = 4, K_LOGIC = 5, K_INC = 6, K_DEC = 7,
        K_SHL = 8, K_SHR = 9, K_SAR = 10, K_MUL = 11;
    private static final int CIN = 1 << 8;

    static final long[] MASK = {0, 0xFFL, 0xFFFFL, 0, 0xFFFFFFFFL, 0, 0, 0, -1L};
    private static final int STRIDE = DecodedCode.STRIDE;
    private static final int NEWPAGE = Op.F_NEWPAGE << 12;
    private static final int PROBE = Op.F_PROBE << 12;
    /** Instructions that leave the fast path before they execute: a new page, or a probe. */
    private static final int FETCH_SLOW = NEWPAGE | PROBE;
    private static final int PAUSE_LOOP_THRESHOLD = 64;

    private static final VarHandle ATTENTION = Signals.ATTENTION;

    // ------------------------------------------------------------------ wiring
    private final int id;
    private final PhysicalMemory mem;
    private final Mmu mmu;
    private final CodeMap codeMap;
    private final CostTable costs;
    private InterruptController intc = InterruptController.NONE;
    private HypercallHandler hypercalls;
    private TraceSink trace = TraceSink.NONE;
    /** Checks GS.base on every %gs: access at CPL 0 when set (0: no check, the fast paths run). */
    private GsBaseCheck gsCheck;
    private ProbeHandler probeHandler;
    /** The probe at probeRip has run for this visit: execute the instruction next time it is seen. */
    private boolean probeDone;
    private long probeRip;
    private int gsSlowMask;

    // ------------------------------------------------------------------ architectural state
    /** GPRs 0-15, then the ZERO, RIP_DELTA, FS_BASE and GS_BASE slots (see {@link Reg}). */
    final long[] r = new long[Reg.FILE_SIZE];
    private LoadedCode seg;
    private int[] code = new int[STRIDE];
    private long[] imm = new long[2];
    private long[] rips = new long[1];
    private int pc;

    /** RFLAGS without the six arithmetic flags (bit 1 always set). */
    private long sysFlags = Rflags.FIXED1;
    /** Lazy arithmetic flags: kind | size << 4 | carry-in << 8, operands and result (masked). */
    private int fk = K_RAW;
    private long fa;
    private long fb;
    private long fr;

    private int cpl;
    private int userPerm;
    private int cs;
    private int ss;
    private int ds;
    private int es;
    private long kernelGsBase;
    private long cr0 = ControlRegs.CR0_PE | ControlRegs.CR0_PG;
    private long cr2;
    private long cr4 = ControlRegs.CR4_PAE | ControlRegs.CR4_FSGSBASE;
    private long efer = Msr.EFER_LME | Msr.EFER_LMA | Msr.EFER_SCE | Msr.EFER_NXE;
    private long star;
    private long lstar;
    private long cstar;
    private long fmask;
    private long tscAux;
    private long idtBase;
    private int idtLimit;
    private long gdtBase;
    private int gdtLimit;
    private int tr;
    private long tssBase;
    private boolean trLoaded;

    private long cycles;
    private long retired;

    // ------------------------------------------------------------------ interrupt and run state
    /** 0 none, 1 STI shadow, 2 MOV SS shadow: interrupts are not recognised at the next boundary. */
    private int shadow;
    /** The cycle count of the boundary a shadow applies to. */
    private long shadowAt = -1;
    private boolean nmiBlocked;
    /** What other threads write (attention, stop, TLB flush, the parked thread), padded apart. */
    private final Signals sig = new Signals();
    private volatile State state = State.RUNNING;
    private long nextEvent;
    private long cycleLimit = Long.MAX_VALUE;
    private int pendingExit;

    // fault bookkeeping for the current instruction
    private boolean faulted;
    private int faultVector;
    private long faultError;
    private long faultRip;
    private int nestedVector;
    private long nestedError;

    private int pauseStreak;
    private long lastPause;
    private long interruptsTaken;
    private long exceptionsTaken;
    private String shutdownReason;
    private int lastVector = -1;

    public Cpu(int id, PhysicalMemory mem, CodeMap codeMap, CostTable costs) {
        this.id = id;
        this.mem = mem;
        this.mmu = new Mmu(mem);
        this.codeMap = codeMap;
        this.costs = costs;
        mmu.setControl(true, false, false, true);
        cr0 |= ControlRegs.CR0_WP;
        cs = io.smpsim.isa.Selectors.KERNEL_CS;
        ss = io.smpsim.isa.Selectors.KERNEL_DS;
        code[0] = Op.BAD;
    }

    // ================================================================== wiring and inspection

    public int id() {
        return id;
    }

    public void setInterruptController(InterruptController c) {
        this.intc = c;
    }

    public InterruptController interruptController() {
        return intc;
    }

    public void setHypercallHandler(HypercallHandler h) {
        this.hypercalls = h;
    }

    public void setTraceSink(TraceSink t) {
        this.trace = t;
    }

    /**
     * Checks GS.base before every %gs:-relative access made at CPL 0 (a kernel's per-CPU data).
     * Those instructions then leave the fast paths; everything else runs as before.
     */
    /** Installs the handler of instruction probes (null: probes are ignored). */
    public void setProbeHandler(ProbeHandler handler) {
        this.probeHandler = handler;
    }

    public void setGsBaseCheck(GsBaseCheck check) {
        this.gsCheck = check;
        this.gsSlowMask = check == null ? 0 : Op.F_GS << 12;
    }

    public Mmu mmu() {
        return mmu;
    }

    public PhysicalMemory memory() {
        return mem;
    }

    public State state() {
        return state;
    }

    public long cycles() {
        return cycles;
    }

    /** Instructions retired so far. */
    public long retired() {
        return retired;
    }

    public long interruptsTaken() {
        return interruptsTaken;
    }

    public long exceptionsTaken() {
        return exceptionsTaken;
    }

    public String shutdownReason() {
        return shutdownReason;
    }

    public int cpl() {
        return cpl;
    }

    public int cs() {
        return cs;
    }

    public int ss() {
        return ss;
    }

    public long reg(int n) {
        return r[n];
    }

    public void setReg(int n, long v) {
        if (n < 0 || n > 15) {
            throw new IllegalArgumentException("GPR number " + n);
        }
        r[n] = v;
    }

    public long gsBase() {
        return r[Reg.GS_BASE];
    }

    public void setGsBase(long v) {
        r[Reg.GS_BASE] = v;
    }

    public long kernelGsBase() {
        return kernelGsBase;
    }

    public void setKernelGsBase(long v) {
        kernelGsBase = v;
    }

    public long fsBase() {
        return r[Reg.FS_BASE];
    }

    public long cr2() {
        return cr2;
    }

    public long cr3() {
        return mmu.cr3();
    }

    public long cr4() {
        return cr4;
    }

    /** The address of the next instruction to execute. */
    public long rip() {
        return rips[pc] + r[Reg.RIP_DELTA];
    }

    /** Source position and text of the next instruction, for reports. */
    public String where() {
        return seg == null ? "?" : seg.code().where(pc) + ": " + seg.code().text(pc);
    }

    /** The decoded program the core is executing, or null before it starts. */
    public LoadedCode currentCode() {
        return seg;
    }

    public int currentIndex() {
        return pc;
    }

    public long rflags() {
        return sysFlags | arithFlags() | Rflags.FIXED1;
    }

    public boolean interruptsEnabled() {
        return (sysFlags & Rflags.IF) != 0;
    }

    /** Host-side state setup before the core runs (boot). */
    public void setRflags(long v) {
        sysFlags = (v & ~Rflags.ARITH) | Rflags.FIXED1;
        fk = K_RAW;
        fr = v & Rflags.ARITH;
    }

    public void setSegments(int cs, int ss) {
        this.cs = cs;
        this.ss = ss;
        setCpl(cs & 3);
    }

    public void setCr3(long v) {
        mmu.setCr3(v);
    }

    public void setCr4(long v) {
        cr4 = v;
        applyControl();
    }

    public void setEfer(long v) {
        efer = v;
        applyControl();
    }

    /** Starts (or restarts) execution at {@code va}; returns false if the fetch faulted (delivered). */
    public boolean startAt(long va) {
        state = State.RUNNING;
        return jumpTo(va);
    }

    // ================================================================== cross-thread signals

    /**
     * Another thread changed what this core may have pending (an IPI, a timer, an NMI): the core
     * looks at its next instruction boundary, and a halted core's thread is unparked.
     */
    public void signal() {
        ATTENTION.setVolatile(sig, 1);
        Thread t = sig.parkedThread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Executors set this before parking a halted core's thread and clear it after. */
    public void setParkedThread(Thread t) {
        sig.parkedThread = t;
    }

    public boolean hasAttention() {
        return (int) ATTENTION.getVolatile(sig) != 0;
    }

    /** Asks the core to leave {@link #run} at its next boundary with EXIT_STOP. */
    public void requestStop() {
        sig.stopRequested = true;
        signal();
    }

    public void clearStop() {
        sig.stopRequested = false;
    }

    /** TLB shootdown: the core flushes its TLB at its next boundary. */
    public void requestTlbFlush() {
        sig.tlbFlushRequested = true;
        signal();
    }

    // ================================================================== halt and wake

    /** Whether a halted core has something that wakes it: an NMI, or (IF = 1) a deliverable interrupt. */
    public boolean canWake() {
        if (state != State.HALTED) {
            return state == State.RUNNING;
        }
        intc.advanceTo(cycles);
        if (intc.nmiPending() && !nmiBlocked) {
            return true;
        }
        return interruptsEnabled() && intc.pendingVector() >= 0;
    }

    /** Moves a halted core back to running (the executor calls this when {@link #canWake()}). */
    public void wake() {
        if (state == State.HALTED) {
            state = State.RUNNING;
            trace.event(id, TraceEvent.WAKE, cycles, rip(), 0, 0);
        }
    }

    /** A halted core's clock follows time (the slowest running core, or a deadline jump). */
    public void advanceIdleClock(long to) {
        if (to > cycles) {
            cycles = to;
        }
    }

    /** The cycle count at which a halted core's own timer fires, or Long.MAX_VALUE. */
    public long nextDeadline() {
        return intc.nextDeadline();
    }

    // ================================================================== the step loop

    /**
     * Runs until the cycle counter reaches {@code limit}, or the core halts, shuts down, is asked to
     * stop, or spins in a long pause loop. Returns an EXIT_* code.
     */
    public int run(long limit) {
        return run(limit, Long.MAX_VALUE);
    }

    /**
     * As {@link #run(long)}, and also returns EXIT_LIMIT before executing more than
     * {@code maxInstructions} instructions (exact, for step-limited runs).
     */
    public int run(long limit, long maxInstructions) {
        if (state != State.RUNNING) {
            return state == State.HALTED ? EXIT_HALT : EXIT_SHUTDOWN;
        }
        if (maxInstructions <= 0) {
            return EXIT_LIMIT;
        }
        this.cycleLimit = limit;
        this.nextEvent = 0; // look at pending events before the first instruction
        this.pendingExit = 0;
        final long[] r = this.r;
        final Mmu mmu = this.mmu;
        final PhysicalMemory mem = this.mem;
        final Signals sig = this.sig;
        final int gsSlow = this.gsSlowMask;
        int[] code = this.code;
        long[] imm = this.imm;
        long[] rips = this.rips;
        int pc = this.pc;
        long cyc = this.cycles;
        long insns = 0;
        long left = maxInstructions;
        while (true) {
            if (cyc >= nextEvent || insns >= left || (int) ATTENTION.getOpaque(sig) != 0) {
                this.pc = pc;
                this.cycles = cyc;
                this.retired += insns;
                left -= insns;
                insns = 0;
                if (left <= 0) {
                    return EXIT_LIMIT;
                }
                int x = boundary();
                if (x != 0) {
                    return x;
                }
                code = this.code;
                imm = this.imm;
                rips = this.rips;
                pc = this.pc;
                cyc = this.cycles;
            }
            final int b = pc * STRIDE;
            final int w0 = code[b];
            final int w1 = code[b + 1];
            if ((w1 & FETCH_SLOW) != 0) {
                this.pc = pc;
                this.cycles = cyc;
                if ((w1 & PROBE) != 0 && probe()) {
                    continue; // the boundary before this instruction looks at what the probe made pending
                }
                if ((w1 & NEWPAGE) != 0) {
                    if (!fetchCheck()) {
                        if (pendingExit != 0) {
                            return finishRun(insns);
                        }
                        code = this.code;
                        imm = this.imm;
                        rips = this.rips;
                        pc = this.pc;
                        cyc = this.cycles;
                        continue;
                    }
                    code = this.code;
                    imm = this.imm;
                    rips = this.rips;
                    pc = this.pc;
                }
            }
            cyc += w0 >>> 16;
            insns++;
            final int i2 = pc << 1;
            fast:
            switch ((w1 & gsSlow) != 0 ? -1 : w0 & 0xFFFF) { // checked %gs: accesses take the generic path
                case Op.MOV_RR: {
                    put(r, code[b + 2], w1 & 15, r[code[b + 3]]);
                    pc++;
                    continue;
                }
                case Op.MOV_RI: {
                    put(r, code[b + 2], w1 & 15, imm[i2]);
                    pc++;
                    continue;
                }
                case Op.MOV_RM: {
                    long va = effectiveAddress(r, code, imm, b, i2);
                    int size = w1 & 15;
                    long pa = mmu.translate(va, size, userPerm);
                    if (pa < 0) {
                        break fast;
                    }
                    put(r, code[b + 2], size, mem.load(pa, size));
                    pc++;
                    continue;
                }
                case Op.MOV_MR: {
                    long va = effectiveAddress(r, code, imm, b, i2);
                    int size = w1 & 15;
                    long pa = mmu.translate(va, size, userPerm + Mmu.WRITE);
                    if (pa < 0) {
                        break fast;
                    }
                    mem.store(pa, size, r[code[b + 3]]);
                    pc++;
                    continue;
                }
                case Op.LEA: {
                    int w6 = code[b + 6];
                    put(r, code[b + 2], w1 & 15, imm[i2 + 1] + r[code[b + 4]] + (r[code[b + 5]] << (w6 & 3)));
                    pc++;
                    continue;
                }
                case Op.ALU_RR: {
                    int sub = (w1 >>> 4) & 0xFF;
                    int size = w1 & 15;
                    int d = code[b + 2];
                    long res = alu(sub, size, r[d], r[code[b + 3]]);
                    if (sub < Op.ALU_CMP && sub != Op.ALU_TEST) {
                        put(r, d, size, res);
                    }
                    pc++;
                    continue;
                }
                case Op.ALU_RI: {
                    int sub = (w1 >>> 4) & 0xFF;
                    int size = w1 & 15;
                    int d = code[b + 2];
                    long res = alu(sub, size, r[d], imm[i2]);
                    if (sub < Op.ALU_CMP) {
                        put(r, d, size, res);
                    }
                    pc++;
                    continue;
                }
                case Op.ALU_RM: {
                    long va = effectiveAddress(r, code, imm, b, i2);
                    int size = w1 & 15;
                    long pa = mmu.translate(va, size, userPerm);
                    if (pa < 0) {
                        break fast;
                    }
                    int sub = (w1 >>> 4) & 0xFF;
                    int d = code[b + 2];
                    long res = alu(sub, size, r[d], mem.load(pa, size));
                    if (sub < Op.ALU_CMP) {
                        put(r, d, size, res);
                    }
                    pc++;
                    continue;
                }
                case Op.ALU_MR: {
                    long va = effectiveAddress(r, code, imm, b, i2);
                    int size = w1 & 15;
                    int sub = (w1 >>> 4) & 0xFF;
                    long pa = mmu.translate(va, size, userPerm + (sub < Op.ALU_CMP ? Mmu.WRITE : Mmu.READ));
                    if (pa < 0) {
                        break fast;
                    }
                    long res = alu(sub, size, mem.load(pa, size), r[code[b + 3]]);
                    if (sub < Op.ALU_CMP) {
                        mem.store(pa, size, res);
                    }
                    pc++;
                    continue;
                }
                case Op.ALU_MI: {
                    long va = effectiveAddress(r, code, imm, b, i2);
                    int size = w1 & 15;
                    int sub = (w1 >>> 4) & 0xFF;
                    long pa = mmu.translate(va, size, userPerm + (sub < Op.ALU_CMP ? Mmu.WRITE : Mmu.READ));
                    if (pa < 0) {
                        break fast;
                    }
                    long res = alu(sub, size, mem.load(pa, size), imm[i2]);
                    if (sub < Op.ALU_CMP) {
                        mem.store(pa, size, res);
                    }
                    pc++;
                    continue;
                }
                case Op.UN_R: {
                    int size = w1 & 15;
                    int d = code[b + 2];
                    put(r, d, size, unary((w1 >>> 4) & 0xFF, size, r[d]));
                    pc++;
                    continue;
                }
                case Op.SHIFT_R: {
                    int size = w1 & 15;
                    int d = code[b + 2];
                    long c = (w1 & (Op.F_CL << 12)) != 0 ? r[Reg.RCX] : imm[i2];
                    put(r, d, size, shift((w1 >>> 4) & 0xFF, size, r[d], (int) (c & (size == 8 ? 63 : 31))));
                    pc++;
                    continue;
                }
                case Op.MOVX_RR: {
                    put(r, code[b + 2], w1 & 15, extend((w1 >>> 4) & 0xFF, r[code[b + 3]]));
                    pc++;
                    continue;
                }
                case Op.JCC: {
                    if (!cond((w1 >>> 4) & 15)) {
                        pc++;
                        continue;
                    }
                    int t = code[b + 7];
                    if (t >= 0 && ((imm[i2] ^ rips[pc]) >>> 12) == 0) {
                        pc = t;
                        continue;
                    }
                    break fast;
                }
                case Op.JMP: {
                    int t = code[b + 7];
                    if (t >= 0 && ((imm[i2] ^ rips[pc]) >>> 12) == 0) {
                        pc = t;
                        continue;
                    }
                    break fast;
                }
                case Op.PUSH_R: {
                    long va = r[Reg.RSP] - 8;
                    long pa = mmu.translate(va, 8, userPerm + Mmu.WRITE);
                    if (pa < 0) {
                        break fast;
                    }
                    mem.store(pa, 8, r[code[b + 3]]);
                    r[Reg.RSP] = va;
                    pc++;
                    continue;
                }
                case Op.POP_R: {
                    long va = r[Reg.RSP];
                    long pa = mmu.translate(va, 8, userPerm);
                    if (pa < 0) {
                        break fast;
                    }
                    r[Reg.RSP] = va + 8;
                    r[code[b + 2]] = mem.load(pa, 8);
                    pc++;
                    continue;
                }
                case Op.CALL: {
                    int t = code[b + 7];
                    long va = r[Reg.RSP] - 8;
                    if (t < 0 || ((imm[i2] ^ rips[pc]) >>> 12) != 0) {
                        break fast;
                    }
                    long pa = mmu.translate(va, 8, userPerm + Mmu.WRITE);
                    if (pa < 0) {
                        break fast;
                    }
                    mem.store(pa, 8, rips[pc] + (code[b + 6] >>> 12) + r[Reg.RIP_DELTA]);
                    r[Reg.RSP] = va;
                    pc = t;
                    continue;
                }
                case Op.NOP:
                    pc++;
                    continue;
                default:
                    break;
            }
            // Everything else, and every fast path that met a TLB miss, a fault, a split access or
            // a branch off the page, runs the generic implementation.
            this.pc = pc;
            this.cycles = cyc;
            exec(w0 & 0xFFFF, b, w1);
            if (pendingExit != 0) {
                return finishRun(insns);
            }
            code = this.code;
            imm = this.imm;
            rips = this.rips;
            pc = this.pc;
            cyc = this.cycles;
        }
    }

    private int finishRun(long insns) {
        retired += insns;
        int x = pendingExit;
        pendingExit = 0;
        return x;
    }

    // ------------------------------------------------------------------ instruction boundary

    /** The slow path at an instruction boundary: signals, timers, interrupts, NMIs, the cycle limit. */
    private int boundary() {
        if ((int) ATTENTION.getOpaque(sig) != 0) {
            ATTENTION.setVolatile(sig, 0); // clear before looking, so a signal after this look is not lost
        }
        if (sig.stopRequested) {
            sig.stopRequested = false;
            return EXIT_STOP;
        }
        if (sig.tlbFlushRequested) {
            sig.tlbFlushRequested = false;
            mmu.flushAll();
        }
        if (state != State.RUNNING) {
            return state == State.HALTED ? EXIT_HALT : EXIT_SHUTDOWN;
        }
        intc.advanceTo(cycles);
        // a shadow blocks recognition only at the boundary right after STI / MOV SS (every
        // instruction costs at least one cycle, so that boundary is the one at shadowAt)
        // (a second look at the same boundary, after a probe or a signal, sees the same shadow)
        int sh = cycles == shadowAt ? shadow : 0;
        if (sh != 0) {
            nextEvent = cycles + 1; // look again after exactly one more instruction
        } else {
            nextEvent = Math.min(cycleLimit, intc.nextDeadline());
        }
        if (sh != 2 && !nmiBlocked && intc.nmiPending()) {
            intc.acknowledgeNmi();
            trace.event(id, TraceEvent.NMI, cycles, rip(), Vector.NMI, 0);
            deliver(Vector.NMI, 0, KIND_NMI, rip());
        } else if (sh == 0 && (sysFlags & Rflags.IF) != 0) {
            int v = intc.pendingVector();
            if (v >= 0) {
                // acknowledged (IRR to ISR) only once its frame is pushed: an interrupt whose delivery
                // faults (a UKL application's stack at CPL 0) stays pending behind the fault's handler
                long at = rip();
                if (deliver(v, 0, KIND_EXTERNAL, at)) {
                    intc.acknowledge(v);
                    interruptsTaken++;
                    trace.event(id, TraceEvent.INTERRUPT, cycles, at, v, 0);
                }
            }
        }
        if (pendingExit != 0) {
            int x = pendingExit;
            pendingExit = 0;
            return x;
        }
        if (cycles >= cycleLimit) {
            return EXIT_LIMIT;
        }
        return 0;
    }

    /**
     * Runs the probe handler once per visit of a probed instruction; returns true when the boundary
     * must be looked at again before the instruction executes.
     */
    private boolean probe() {
        long at = currentRip();
        if (probeDone && at == probeRip) {
            probeDone = false;
            return false;
        }
        ProbeHandler h = probeHandler;
        if (h == null || !h.atProbe(this, at)) {
            return false;
        }
        probeDone = true;
        probeRip = at;
        nextEvent = 0;
        return true;
    }

    /** Makes the next boundary look at pending interrupts again (after IF or TPR may have changed). */
    private void recheck() {
        nextEvent = 0;
    }

    /**
     * Opens an interrupt shadow (1 STI, 2 MOV SS) at the boundary after the current instruction,
     * and has the boundary after the next instruction look at pending interrupts.
     */
    private void openShadow(int kind) {
        shadow = kind;
        shadowAt = cycles;
        nextEvent = Math.min(nextEvent, cycles + 1);
    }

    // ================================================================== registers and flags

    private static void put(long[] r, int n, int size, long v) {
        switch (size) {
            case 8 -> r[n] = v;
            case 4 -> r[n] = v & 0xFFFFFFFFL;
            case 2 -> r[n] = (r[n] & ~0xFFFFL) | (v & 0xFFFFL);
            default -> r[n] = (r[n] & ~0xFFL) | (v & 0xFFL);
        }
    }

    static long sext(long v, int size) {
        int sh = 64 - 8 * size;
        return (v << sh) >> sh;
    }

    private static long signBit(int size) {
        return 1L << (8 * size - 1);
    }

    /** movzx/movsx: sub = source size | MOVX_SIGNED. */
    private static long extend(int sub, long v) {
        int srcSize = sub & 15;
        return (sub & Op.MOVX_SIGNED) != 0 ? sext(v, srcSize) : v & MASK[srcSize];
    }

    private void setFlags(int kind, int size, long a, long b, long res) {
        fk = kind | size << 4;
        fa = a;
        fb = b;
        fr = res;
    }

    /** Two-operand ALU operation; sets the lazy flags and returns the (masked) result. */
    private long alu(int sub, int size, long a, long b) {
        long m = MASK[size];
        a &= m;
        b &= m;
        long res;
        switch (sub) {
            case Op.ALU_ADD -> {
                res = (a + b) & m;
                setFlags(K_ADD, size, a, b, res);
            }
            case Op.ALU_SUB, Op.ALU_CMP -> {
                res = (a - b) & m;
                setFlags(K_SUB, size, a, b, res);
            }
            case Op.ALU_AND, Op.ALU_TEST -> {
                res = a & b;
                setFlags(K_LOGIC, size, a, b, res);
            }
            case Op.ALU_OR -> {
                res = a | b;
                setFlags(K_LOGIC, size, a, b, res);
            }
            case Op.ALU_XOR -> {
                res = a ^ b;
                setFlags(K_LOGIC, size, a, b, res);
            }
            case Op.ALU_ADC -> {
                long c = cf() ? 1 : 0;
                res = (a + b + c) & m;
                setFlags(K_ADC, size, a, b, res);
                fk |= (int) c << 8;
            }
            default -> { // SBB
                long c = cf() ? 1 : 0;
                res = (a - b - c) & m;
                setFlags(K_SBB, size, a, b, res);
                fk |= (int) c << 8;
            }
        }
        return res;
    }

    /** inc/dec/neg/not; returns the masked result. */
    private long unary(int sub, int size, long a) {
        long m = MASK[size];
        a &= m;
        switch (sub) {
            case Op.UN_INC -> {
                int c = cf() ? CIN : 0;
                long res = (a + 1) & m;
                setFlags(K_INC, size, a, 1, res);
                fk |= c;
                return res;
            }
            case Op.UN_DEC -> {
                int c = cf() ? CIN : 0;
                long res = (a - 1) & m;
                setFlags(K_DEC, size, a, 1, res);
                fk |= c;
                return res;
            }
            case Op.UN_NEG -> {
                long res = (-a) & m;
                setFlags(K_SUB, size, 0, a, res);
                return res;
            }
            default -> {
                return ~a & m; // not: no flags
            }
        }
    }

    /** shl/shr/sar by count (already masked by the caller per operand size); flags unchanged if 0. */
    private long shift(int sub, int size, long a, int count) {
        long m = MASK[size];
        a &= m;
        if (count == 0) {
            return a;
        }
        long res;
        int kind;
        switch (sub) {
            case Op.SH_SHL -> {
                res = (count >= 64 ? 0 : a << count) & m;
                kind = K_SHL;
            }
            case Op.SH_SHR -> {
                res = count >= 64 ? 0 : a >>> count;
                kind = K_SHR;
            }
            default -> {
                res = (sext(a, size) >> Math.min(count, 63)) & m;
                kind = K_SAR;
            }
        }
        setFlags(kind, size, a, count, res);
        return res;
    }

    private int fsize() {
        return (fk >>> 4) & 15;
    }

    /** CF; the common kinds are answered here so callers can inline it. */
    boolean cf() {
        int k = fk & 15;
        if (k == K_SUB) {
            return Long.compareUnsigned(fa, fb) < 0;
        }
        if (k == K_LOGIC) {
            return false;
        }
        if (k == K_ADD) {
            return Long.compareUnsigned(fr, fa) < 0;
        }
        return cfOther(k);
    }

    private boolean cfOther(int k) {
        switch (k) {
            case K_ADD:
                return Long.compareUnsigned(fr, fa) < 0;
            case K_ADC:
                return (fk & CIN) != 0 ? Long.compareUnsigned(fr, fa) <= 0 : Long.compareUnsigned(fr, fa) < 0;
            case K_SUB:
                return Long.compareUnsigned(fa, fb) < 0;
            case K_SBB:
                return (fk & CIN) != 0 ? Long.compareUnsigned(fa, fb) <= 0 : Long.compareUnsigned(fa, fb) < 0;
            case K_LOGIC:
                return false;
            case K_INC:
            case K_DEC:
            case K_MUL:
                return (fk & CIN) != 0;
            case K_SHL: {
                int w = 8 * fsize();
                int c = (int) fb;
                return c <= w && ((fa >>> (w - c)) & 1) != 0;
            }
            case K_SHR:
                return fb <= 64 && ((fa >>> (fb - 1)) & 1) != 0;
            case K_SAR:
                return ((sext(fa, fsize()) >> Math.min(fb - 1, 63)) & 1) != 0;
            default:
                return (fr & Rflags.CF) != 0;
        }
    }

    boolean zf() {
        return (fk & 15) == K_RAW ? (fr & Rflags.ZF) != 0 : fr == 0;
    }

    boolean sf() {
        return (fk & 15) == K_RAW ? (fr & Rflags.SF) != 0 : (fr & signBit(fsize())) != 0;
    }

    boolean pf() {
        return (fk & 15) == K_RAW ? (fr & Rflags.PF) != 0 : (Integer.bitCount((int) fr & 0xFF) & 1) == 0;
    }

    boolean af() {
        switch (fk & 15) {
            case K_ADD, K_ADC, K_SUB, K_SBB, K_INC, K_DEC:
                return ((fa ^ fb ^ fr) & 0x10) != 0;
            case K_RAW:
                return (fr & Rflags.AF) != 0;
            default:
                return false; // undefined for logic, shifts and multiplies: reported as 0
        }
    }

    boolean of() {
        long sign = signBit(Math.max(1, fsize()));
        switch (fk & 15) {
            case K_ADD, K_ADC, K_INC:
                return ((fa ^ fr) & (fb ^ fr) & sign) != 0;
            case K_SUB, K_SBB, K_DEC:
                return ((fa ^ fb) & (fa ^ fr) & sign) != 0;
            case K_LOGIC, K_SAR:
                return false;
            case K_SHL:
                return ((fr & sign) != 0) != cf();
            case K_SHR:
                return (fa & sign) != 0;
            case K_MUL:
                return (fk & CIN) != 0;
            default:
                return (fr & Rflags.OF) != 0;
        }
    }

    long arithFlags() {
        if ((fk & 15) == K_RAW) {
            return fr & Rflags.ARITH;
        }
        long f = 0;
        if (cf()) {
            f |= Rflags.CF;
        }
        if (pf()) {
            f |= Rflags.PF;
        }
        if (af()) {
            f |= Rflags.AF;
        }
        if (zf()) {
            f |= Rflags.ZF;
        }
        if (sf()) {
            f |= Rflags.SF;
        }
        if (of()) {
            f |= Rflags.OF;
        }
        return f;
    }

    /** Evaluates condition code cc (Cond order); small so the step loop can inline it. */
    boolean cond(int cc) {
        return (fk & 15) == K_SUB ? condAfterSub(cc) : condGeneric(cc);
    }

    /** After cmp/sub: compare the operands directly instead of materialising flags. */
    private boolean condAfterSub(int cc) {
        int size = (fk >>> 4) & 15;
        boolean v = switch (cc >>> 1) {
            case 1 -> Long.compareUnsigned(fa, fb) < 0;
            case 2 -> fa == fb;
            case 3 -> Long.compareUnsigned(fa, fb) <= 0;
            case 6 -> sext(fa, size) < sext(fb, size);
            case 7 -> sext(fa, size) <= sext(fb, size);
            case 4 -> (fr & signBit(size)) != 0;
            case 0 -> of();
            default -> pf();
        };
        return v != ((cc & 1) != 0);
    }

    private boolean condGeneric(int cc) {
        boolean v = switch (cc >>> 1) {
            case 0 -> of();
            case 1 -> cf();
            case 2 -> zf();
            case 3 -> cf() || zf();
            case 4 -> sf();
            case 5 -> pf();
            case 6 -> sf() != of();
            default -> zf() || sf() != of();
        };
        return v != ((cc & 1) != 0);
    }

    private void setArith(long bits) {
        fk = K_RAW;
        fr = bits & Rflags.ARITH;
    }

    private void writeRflags(long v) {
        long oldIf = sysFlags & Rflags.IF;
        sysFlags = (v & ~Rflags.ARITH) | Rflags.FIXED1;
        setArith(v);
        if ((sysFlags & Rflags.IF) != 0 && oldIf == 0) {
            recheck(); // only setting IF can make a pending interrupt deliverable
        }
    }

    private void setCpl(int c) {
        cpl = c;
        userPerm = c == 3 ? Mmu.USER : 0;
    }

    private void applyControl() {
        mmu.setControl((cr0 & ControlRegs.CR0_WP) != 0, (cr4 & ControlRegs.CR4_SMEP) != 0,
            (cr4 & ControlRegs.CR4_SMAP) != 0, (efer & Msr.EFER_NXE) != 0);
    }

    // ================================================================== memory access with faults

    /**
     * disp + base + (index << scale) + segment base, with no branch: absent registers are the ZERO
     * slot, %rip is the RIP_DELTA slot (see DecodedCode).
     */
    private static long effectiveAddress(long[] r, int[] code, long[] imm, int b, int i2) {
        int w6 = code[b + 6];
        return imm[i2 + 1] + r[code[b + 4]] + (r[code[b + 5]] << (w6 & 3)) + r[(w6 >>> 4) & 0xFF];
    }

    private long ea(int b, int i2) {
        return effectiveAddress(r, code, imm, b, i2);
    }

    /** Records a fault of the current instruction; it is delivered when the instruction gives up. */
    private void fault(int vector, long error) {
        if (!faulted) {
            faulted = true;
            faultVector = vector;
            faultError = error;
        }
    }

    private void accessFault(long code, long va, boolean stack) {
        if (code == Mmu.NON_CANONICAL) {
            fault(stack ? Vector.SS : Vector.GP, 0);
        } else {
            cr2Pending = mmu.faultAddress;
            fault(Vector.PF, mmu.faultCode);
        }
    }

    private long cr2Pending;

    /** A data read by the current instruction; on a fault returns 0 with {@link #faulted} set. */
    private long read(long va, int size, boolean stack) {
        long pa = mmu.translate(va, size, userPerm);
        if (pa >= 0) {
            return mem.load(pa, size);
        }
        if (pa == Mmu.SPLIT) {
            long v = 0;
            for (int k = 0; k < size; k++) {
                v |= mem.load(mmu.translatePart(va + k, userPerm), 1) << (8 * k);
            }
            return v;
        }
        accessFault(pa, va, stack);
        return 0;
    }

    /** Checks that the current instruction may write; returns the physical address, SPLIT, or -1 (faulted). */
    private long writable(long va, int size, boolean stack) {
        long pa = mmu.translate(va, size, userPerm + Mmu.WRITE);
        if (pa >= 0 || pa == Mmu.SPLIT) {
            return pa;
        }
        accessFault(pa, va, stack);
        return -1;
    }

    private void storeAt(long pa, long va, int size, long v) {
        if (pa >= 0) {
            mem.store(pa, size, v);
        } else {
            for (int k = 0; k < size; k++) {
                mem.store(mmu.translatePart(va + k, userPerm + Mmu.WRITE), 1, v >>> (8 * k));
            }
        }
    }

    private long loadAt(long pa, long va, int size) {
        if (pa >= 0) {
            return mem.load(pa, size);
        }
        long v = 0;
        for (int k = 0; k < size; k++) {
            v |= mem.load(mmu.translatePart(va + k, userPerm + Mmu.WRITE), 1) << (8 * k);
        }
        return v;
    }

    private boolean write(long va, int size, long v, boolean stack) {
        long pa = writable(va, size, stack);
        if (pa == -1) {
            return false;
        }
        storeAt(pa, va, size, v);
        return true;
    }

    /** Supervisor accesses the CPU makes itself (IDT, TSS, GDT, exception frames), ignoring CPL. */
    private long implicitRead(long va, int size) {
        long pa = mmu.translate(va, size, Mmu.READ);
        if (pa >= 0) {
            return mem.load(pa, size);
        }
        if (pa == Mmu.SPLIT) {
            long v = 0;
            for (int k = 0; k < size; k++) {
                v |= mem.load(mmu.translatePart(va + k, Mmu.READ), 1) << (8 * k);
            }
            return v;
        }
        nested(pa == Mmu.NON_CANONICAL ? Vector.GP : Vector.PF, pa == Mmu.NON_CANONICAL ? 0 : mmu.faultCode);
        return 0;
    }

    private boolean nestedFault;

    private void nested(int vector, long error) {
        if (!nestedFault) {
            nestedFault = true;
            nestedVector = vector;
            nestedError = error;
            if (vector == Vector.PF) {
                cr2Pending = mmu.faultAddress;
            }
        }
    }

    private boolean stackMem(int w1) {
        return (w1 & (Op.F_STACK_SEG << 12)) != 0;
    }

    // ================================================================== control transfer

    /** The address of the instruction after the current one. */
    private long nextRip() {
        return rips[pc] + (code[pc * STRIDE + 6] >>> 12) + r[Reg.RIP_DELTA];
    }

    private long currentRip() {
        return rips[pc] + r[Reg.RIP_DELTA];
    }

    /**
     * Continues execution at linear address va (a committed branch). Finds the decoded instruction
     * the address maps to; a fetch that faults is delivered with the saved RIP = va.
     */
    private boolean jumpTo(long va) {
        long pa = mmu.translate(va, 1, userPerm + Mmu.EXEC);
        if (pa >= 0 && seg != null) {
            long link = va - r[Reg.RIP_DELTA];
            int idx = seg.code().indexOf(link);
            if (idx >= 0 && pa == seg.physOf(idx)) {
                pc = idx;
                return true;
            }
        }
        return jumpSlow(va, pa);
    }

    private boolean jumpSlow(long va, long pa) {
        if (pa == Mmu.NON_CANONICAL) {
            deliver(Vector.GP, 0, KIND_FAULT, va);
            return false;
        }
        if (pa == Mmu.PAGE_FAULT) {
            cr2Pending = mmu.faultAddress;
            deliver(Vector.PF, mmu.faultCode, KIND_FAULT, va);
            return false;
        }
        LoadedCode lc = codeMap.find(pa);
        int idx = lc == null ? -1 : lc.code().indexOf(lc.code().linkBase + (pa - lc.physBase()));
        if (idx < 0) {
            // no decoded instruction starts at this byte: the CPU would execute whatever is there
            deliver(Vector.UD, 0, KIND_FAULT, va);
            return false;
        }
        switchTo(lc, idx, va);
        return true;
    }

    private void switchTo(LoadedCode lc, int idx, long va) {
        seg = lc;
        DecodedCode d = lc.code();
        code = d.code;
        imm = d.imm;
        rips = d.rip;
        pc = idx;
        r[Reg.RIP_DELTA] = va - d.rip[idx];
    }

    /**
     * The instruction at pc starts on a new page or spans two: check the fetch through the MMU
     * (present, NX, U/S) and that the page still maps to this code. Returns false if a fault was
     * delivered or execution moved elsewhere.
     */
    private boolean fetchCheck() {
        int len = code[pc * STRIDE + 6] >>> 12;
        long va = currentRip();
        long pa = mmu.translate(va, Math.max(1, len), userPerm + Mmu.EXEC);
        if (pa >= 0 && seg != null && pa == seg.physOf(pc)) {
            return true;
        }
        if (pa == Mmu.SPLIT) {
            deliver(Vector.UD, 0, KIND_FAULT, va); // an instruction must not straddle discontiguous pages
            return false;
        }
        long before = rips[pc];
        LoadedCode lcBefore = seg;
        boolean ok = jumpSlow(va, pa);
        return ok && seg == lcBefore && rips[pc] == before;
    }

    private boolean canonical(long va) {
        return Paging.isCanonical(va);
    }

    private void branchTo(long va) {
        if (!canonical(va)) {
            fault(Vector.GP, 0);
            return;
        }
        jumpTo(va);
    }

    // ================================================================== the generic implementation

    /**
     * Executes the instruction at pc in full generality (every op, every fault, split and
     * cross-page case). The step loop's fast paths are shortcuts of this for the common cases.
     */
    private void exec(int op, int b, int w1) {
        int size = w1 & 15;
        int sub = (w1 >>> 4) & 0xFF;
        int i2 = pc << 1;
        faulted = false;
        faultRip = currentRip();
        if ((w1 & gsSlowMask) != 0 && cpl == 0 && !gsCheck.valid(this, r[Reg.GS_BASE])) {
            pendingExit = EXIT_SHUTDOWN; // the checker reported it; stop this core here
            return;
        }
        switch (op) {
            case Op.NOP, Op.LFENCE -> pc++;
            case Op.SFENCE -> {
                VarHandle.storeStoreFence();
                pc++;
            }
            case Op.MFENCE -> {
                PhysicalMemory.fullFence();
                pc++;
            }
            case Op.MOV_RR -> {
                put(r, code[b + 2], size, r[code[b + 3]]);
                pc++;
            }
            case Op.MOV_RI -> {
                put(r, code[b + 2], size, imm[i2]);
                pc++;
            }
            case Op.MOV_RM -> {
                long v = read(ea(b, i2), size, stackMem(w1));
                if (!faulted) {
                    put(r, code[b + 2], size, v);
                    pc++;
                }
            }
            case Op.MOV_MR -> {
                if (write(ea(b, i2), size, r[code[b + 3]], stackMem(w1))) {
                    pc++;
                }
            }
            case Op.MOV_MI -> {
                if (write(ea(b, i2), size, imm[i2], stackMem(w1))) {
                    pc++;
                }
            }
            case Op.MOVX_RR -> {
                put(r, code[b + 2], size, extend(sub, r[code[b + 3]]));
                pc++;
            }
            case Op.MOVX_RM -> {
                long v = read(ea(b, i2), sub & 15, stackMem(w1));
                if (!faulted) {
                    put(r, code[b + 2], size, extend(sub, v));
                    pc++;
                }
            }
            case Op.LEA -> {
                int w6 = code[b + 6];
                put(r, code[b + 2], size, imm[i2 + 1] + r[code[b + 4]] + (r[code[b + 5]] << (w6 & 3)));
                pc++;
            }
            case Op.ALU_RR, Op.ALU_RI -> {
                int d = code[b + 2];
                long res = alu(sub, size, r[d], op == Op.ALU_RR ? r[code[b + 3]] : imm[i2]);
                if (sub < Op.ALU_CMP) {
                    put(r, d, size, res);
                }
                pc++;
            }
            case Op.ALU_RM -> {
                long v = read(ea(b, i2), size, stackMem(w1));
                if (!faulted) {
                    int d = code[b + 2];
                    long res = alu(sub, size, r[d], v);
                    if (sub < Op.ALU_CMP) {
                        put(r, d, size, res);
                    }
                    pc++;
                }
            }
            case Op.ALU_MR, Op.ALU_MI -> {
                long va = ea(b, i2);
                long src = op == Op.ALU_MR ? r[code[b + 3]] : imm[i2];
                if (sub >= Op.ALU_CMP) {
                    long v = read(va, size, stackMem(w1));
                    if (!faulted) {
                        alu(sub, size, v, src);
                        pc++;
                    }
                } else {
                    long pa = writable(va, size, stackMem(w1));
                    if (pa != -1) {
                        storeAt(pa, va, size, alu(sub, size, loadAt(pa, va, size), src));
                        pc++;
                    }
                }
            }
            case Op.ALU_MR_LOCK, Op.ALU_MI_LOCK -> lockedAlu(ea(b, i2), size, sub,
                op == Op.ALU_MR_LOCK ? r[code[b + 3]] : imm[i2], w1);
            case Op.UN_R -> {
                int d = code[b + 2];
                put(r, d, size, unary(sub, size, r[d]));
                pc++;
            }
            case Op.UN_M -> {
                long va = ea(b, i2);
                long pa = writable(va, size, stackMem(w1));
                if (pa != -1) {
                    storeAt(pa, va, size, unary(sub, size, loadAt(pa, va, size)));
                    pc++;
                }
            }
            case Op.UN_M_LOCK -> lockedUnary(ea(b, i2), size, sub, w1);
            case Op.SHIFT_R -> {
                int d = code[b + 2];
                put(r, d, size, shift(sub, size, r[d], shiftCount(b, i2, w1, size)));
                pc++;
            }
            case Op.SHIFT_M -> {
                long va = ea(b, i2);
                long pa = writable(va, size, stackMem(w1));
                if (pa != -1) {
                    storeAt(pa, va, size, shift(sub, size, loadAt(pa, va, size), shiftCount(b, i2, w1, size)));
                    pc++;
                }
            }
            case Op.IMUL_RR -> {
                imul2(b, i2, w1, size, r[code[b + 3]]);
            }
            case Op.IMUL_RM -> {
                long v = read(ea(b, i2), size, stackMem(w1));
                if (!faulted) {
                    imul2(b, i2, w1, size, v);
                }
            }
            case Op.MULDIV_R -> muldiv(sub, size, r[code[b + 3]]);
            case Op.MULDIV_M -> {
                long v = read(ea(b, i2), size, stackMem(w1));
                if (!faulted) {
                    muldiv(sub, size, v);
                }
            }
            case Op.XCHG_RR -> {
                int a = code[b + 2];
                int c = code[b + 3];
                long va = r[a];
                long vc = r[c];
                put(r, a, size, vc);
                put(r, c, size, va);
                pc++;
            }
            case Op.XCHG_RM -> {
                long va = ea(b, i2);
                long pa = writable(va, size, stackMem(w1));
                if (pa >= 0) {
                    long old = mem.getAndSet(pa, size, r[code[b + 2]]);
                    put(r, code[b + 2], size, old);
                    pc++;
                } else if (pa == Mmu.SPLIT) {
                    synchronized (Cpu.class) {
                        long old = loadAt(pa, va, size);
                        storeAt(pa, va, size, r[code[b + 2]]);
                        put(r, code[b + 2], size, old);
                    }
                    pc++;
                }
            }
            case Op.XADD_RR -> {
                int d = code[b + 2];
                int s = code[b + 3];
                long dv = r[d];
                long sum = alu(Op.ALU_ADD, size, dv, r[s]);
                put(r, s, size, dv);
                put(r, d, size, sum);
                pc++;
            }
            case Op.XADD_MR, Op.XADD_MR_LOCK -> xadd(ea(b, i2), size, code[b + 3], op == Op.XADD_MR_LOCK, w1);
            case Op.CMPXCHG_RR -> {
                int d = code[b + 2];
                long acc = r[Reg.RAX];
                long dv = r[d];
                alu(Op.ALU_CMP, size, acc, dv);
                if (zf()) {
                    put(r, d, size, r[code[b + 3]]);
                } else {
                    put(r, Reg.RAX, size, dv);
                }
                pc++;
            }
            case Op.CMPXCHG_MR, Op.CMPXCHG_MR_LOCK -> cmpxchg(ea(b, i2), size, code[b + 3],
                op == Op.CMPXCHG_MR_LOCK, w1);
            case Op.PUSH_R, Op.PUSH_I -> {
                long v = op == Op.PUSH_R ? r[code[b + 3]] : imm[i2];
                if (push(v)) {
                    pc++;
                }
            }
            case Op.PUSH_M -> {
                long v = read(ea(b, i2), 8, stackMem(w1));
                if (!faulted && push(v)) {
                    pc++;
                }
            }
            case Op.POP_R -> {
                long v = read(r[Reg.RSP], 8, true);
                if (!faulted) {
                    r[Reg.RSP] += 8;
                    r[code[b + 2]] = v;
                    pc++;
                }
            }
            case Op.POP_M -> {
                long v = read(r[Reg.RSP], 8, true);
                if (!faulted) {
                    // the address is computed with RSP already incremented (SDM, POP)
                    r[Reg.RSP] += 8;
                    if (write(ea(b, i2), 8, v, stackMem(w1))) {
                        pc++;
                    } else {
                        r[Reg.RSP] -= 8;
                    }
                }
            }
            case Op.PUSHF -> {
                if (push(rflags() & ~(Rflags.RF | Rflags.VM))) {
                    pc++;
                }
            }
            case Op.POPF -> popf();
            case Op.JMP -> {
                long t = imm[i2] + r[Reg.RIP_DELTA];
                jumpTo(t);
            }
            case Op.JCC -> {
                if (cond(sub & 15)) {
                    jumpTo(imm[i2] + r[Reg.RIP_DELTA]);
                } else {
                    pc++;
                }
            }
            case Op.JMP_R -> branchTo(r[code[b + 3]]);
            case Op.JMP_M -> {
                long t = read(ea(b, i2), 8, stackMem(w1));
                if (!faulted) {
                    branchTo(t);
                }
            }
            case Op.CALL -> call(imm[i2] + r[Reg.RIP_DELTA]);
            case Op.CALL_R -> call(r[code[b + 3]]);
            case Op.CALL_M -> {
                long t = read(ea(b, i2), 8, stackMem(w1));
                if (!faulted) {
                    call(t);
                }
            }
            case Op.RET -> {
                long t = read(r[Reg.RSP], 8, true);
                if (!faulted) {
                    if (!canonical(t)) {
                        fault(Vector.GP, 0);
                    } else {
                        r[Reg.RSP] += 8 + imm[i2];
                        jumpTo(t);
                    }
                }
            }
            case Op.SETCC_R -> {
                put(r, code[b + 2], 1, cond(sub & 15) ? 1 : 0);
                pc++;
            }
            case Op.SETCC_M -> {
                if (write(ea(b, i2), 1, cond(sub & 15) ? 1 : 0, stackMem(w1))) {
                    pc++;
                }
            }
            case Op.CMOV_RR -> {
                int d = code[b + 2];
                put(r, d, size, cond(sub & 15) ? r[code[b + 3]] : r[d]);
                pc++;
            }
            case Op.CMOV_RM -> {
                // the source is always read (and may fault) even when the condition is false
                long v = read(ea(b, i2), size, stackMem(w1));
                if (!faulted) {
                    int d = code[b + 2];
                    put(r, d, size, cond(sub & 15) ? v : r[d]);
                    pc++;
                }
            }
            case Op.CONVERT_A -> {
                int half = sub / 2;
                put(r, Reg.RAX, sub, sext(r[Reg.RAX], half));
                pc++;
            }
            case Op.CONVERT_D -> {
                long sign = (r[Reg.RAX] & signBit(sub)) != 0 ? -1L : 0;
                put(r, Reg.RDX, sub, sign);
                pc++;
            }
            case Op.FLAGOP -> {
                flagOp(sub);
                pc++;
            }
            case Op.BAD, Op.UD2 -> fault(Vector.UD, 0);
            case Op.INT3 -> softInterrupt(Vector.BP);
            case Op.INT_N -> softInterrupt((int) imm[i2] & 0xFF);
            default -> SystemOps.exec(this, op, b, w1, size, sub, i2);
        }
        if (faulted) {
            faulted = false;
            cycles += costs.exceptionDelivery();
            deliver(faultVector, faultError, KIND_FAULT, faultRip);
        }
    }

    private int shiftCount(int b, int i2, int w1, int size) {
        long c = (w1 & (Op.F_CL << 12)) != 0 ? r[Reg.RCX] : imm[i2];
        return (int) (c & (size == 8 ? 63 : 31));
    }

    private void imul2(int b, int i2, int w1, int size, long src) {
        int d = code[b + 2];
        long a = (w1 & (Op.F_HAS_IMM << 12)) != 0 ? src : r[d];
        long c = (w1 & (Op.F_HAS_IMM << 12)) != 0 ? imm[i2] : src;
        long sa = sext(a, size);
        long sc = sext(c, size);
        long lo = sa * sc;
        boolean overflow;
        if (size == 8) {
            overflow = Math.multiplyHigh(sa, sc) != (lo >> 63);
        } else {
            overflow = sext(lo, size) != lo;
        }
        long res = lo & MASK[size];
        setFlags(K_MUL, size, sa, sc, res);
        if (overflow) {
            fk |= CIN;
        }
        put(r, d, size, res);
        pc++;
    }

    /** One-operand mul/imul/div/idiv on AX, DX:AX, EDX:EAX or RDX:RAX. */
    private void muldiv(int sub, int size, long src) {
        long m = MASK[size];
        if (size == 1) {
            long ax = r[Reg.RAX];
            switch (sub) {
                case Op.MD_MUL, Op.MD_IMUL -> {
                    long p = sub == Op.MD_MUL ? (ax & 0xFF) * (src & 0xFF) : sext(ax, 1) * sext(src, 1);
                    put(r, Reg.RAX, 2, p);
                    boolean ovf = sub == Op.MD_MUL ? (p & 0xFF00) != 0 : sext(p, 1) != sext(p, 2);
                    setFlags(K_MUL, 1, 0, 0, p & 0xFF);
                    fk |= ovf ? CIN : 0;
                }
                default -> {
                    long dividend = ax & 0xFFFF;
                    long q;
                    long rem;
                    if ((src & 0xFF) == 0) {
                        fault(Vector.DE, 0);
                        return;
                    }
                    if (sub == Op.MD_DIV) {
                        q = dividend / (src & 0xFF);
                        rem = dividend % (src & 0xFF);
                        if (q > 0xFF) {
                            fault(Vector.DE, 0);
                            return;
                        }
                    } else {
                        long sd = sext(dividend, 2);
                        long ss = sext(src, 1);
                        q = sd / ss;
                        rem = sd % ss;
                        if (q < -128 || q > 127) {
                            fault(Vector.DE, 0);
                            return;
                        }
                    }
                    put(r, Reg.RAX, 2, (q & 0xFF) | (rem & 0xFF) << 8);
                }
            }
            pc++;
            return;
        }
        long a = r[Reg.RAX] & m;
        long s = src & m;
        switch (sub) {
            case Op.MD_MUL -> {
                long lo;
                long hi;
                if (size == 8) {
                    lo = a * s;
                    hi = Math.unsignedMultiplyHigh(a, s);
                } else {
                    long p = a * s;
                    lo = p & m;
                    hi = (p >>> (8 * size)) & m;
                }
                put(r, Reg.RAX, size, lo);
                put(r, Reg.RDX, size, hi);
                setFlags(K_MUL, size, 0, 0, lo & m);
                fk |= (hi & m) != 0 ? CIN : 0;
            }
            case Op.MD_IMUL -> {
                long sa = sext(a, size);
                long ss = sext(s, size);
                long lo;
                long hi;
                if (size == 8) {
                    lo = sa * ss;
                    hi = Math.multiplyHigh(sa, ss);
                } else {
                    long p = sa * ss;
                    lo = p & m;
                    hi = (p >> (8 * size)) & m;
                }
                put(r, Reg.RAX, size, lo);
                put(r, Reg.RDX, size, hi);
                boolean ovf = sext(hi, size) != (sext(lo, size) >> 63);
                setFlags(K_MUL, size, 0, 0, lo & m);
                fk |= ovf ? CIN : 0;
            }
            case Op.MD_DIV -> {
                long hi = r[Reg.RDX] & m;
                if (s == 0) {
                    fault(Vector.DE, 0);
                    return;
                }
                long q;
                long rem;
                if (size == 8) {
                    if (Long.compareUnsigned(hi, s) >= 0) {
                        fault(Vector.DE, 0);
                        return;
                    }
                    long[] qr = divideUnsigned128(hi, a, s);
                    q = qr[0];
                    rem = qr[1];
                } else {
                    long dividend = (hi << (8 * size)) | a;
                    q = Long.divideUnsigned(dividend, s);
                    rem = Long.remainderUnsigned(dividend, s);
                    if (Long.compareUnsigned(q, m) > 0) {
                        fault(Vector.DE, 0);
                        return;
                    }
                }
                put(r, Reg.RAX, size, q);
                put(r, Reg.RDX, size, rem);
            }
            default -> { // IDIV
                long hi = r[Reg.RDX] & m;
                long ss = sext(s, size);
                if (ss == 0) {
                    fault(Vector.DE, 0);
                    return;
                }
                long q;
                long rem;
                if (size == 8) {
                    boolean negDividend = hi < 0;
                    long dhi = hi;
                    long dlo = a;
                    if (negDividend) { // negate the 128-bit dividend
                        dlo = -a;
                        dhi = ~hi + (a == 0 ? 1 : 0);
                    }
                    long div = ss < 0 ? -ss : ss;
                    if (Long.compareUnsigned(dhi, div) >= 0) {
                        fault(Vector.DE, 0);
                        return;
                    }
                    long[] qr = divideUnsigned128(dhi, dlo, div);
                    long uq = qr[0];
                    long ur = qr[1];
                    boolean negQ = negDividend != (ss < 0);
                    if (negQ ? Long.compareUnsigned(uq, 1L << 63) > 0 : uq < 0) {
                        fault(Vector.DE, 0);
                        return;
                    }
                    q = negQ ? -uq : uq;
                    rem = negDividend ? -ur : ur;
                } else {
                    long dividend = (hi << (8 * size)) | a;
                    dividend = sext(dividend, 2 * size);
                    q = dividend / ss;
                    rem = dividend % ss;
                    if (sext(q, size) != q) {
                        fault(Vector.DE, 0);
                        return;
                    }
                }
                put(r, Reg.RAX, size, q);
                put(r, Reg.RDX, size, rem);
            }
        }
        pc++;
    }

    private final long[] divScratch = new long[2];

    /** Unsigned 128/64 division (hi &lt; divisor): {quotient, remainder}, by restoring shift-subtract. */
    private long[] divideUnsigned128(long hi, long lo, long d) {
        long q = 0;
        long rem = hi;
        for (int i = 63; i >= 0; i--) {
            boolean carry = rem < 0;
            rem = (rem << 1) | ((lo >>> i) & 1);
            q <<= 1;
            if (carry || Long.compareUnsigned(rem, d) >= 0) {
                rem -= d;
                q |= 1;
            }
        }
        divScratch[0] = q;
        divScratch[1] = rem;
        return divScratch;
    }

    private boolean push(long v) {
        long va = r[Reg.RSP] - 8;
        if (!write(va, 8, v, true)) {
            return false;
        }
        r[Reg.RSP] = va;
        return true;
    }

    private void call(long target) {
        if (!canonical(target)) {
            fault(Vector.GP, 0);
            return;
        }
        if (push(nextRip())) {
            jumpTo(target);
        }
    }

    private void popf() {
        long v = read(r[Reg.RSP], 8, true);
        if (faulted) {
            return;
        }
        r[Reg.RSP] += 8;
        long old = rflags();
        long modifiable = Rflags.ARITH | Rflags.TF | Rflags.DF | Rflags.NT | Rflags.AC | Rflags.ID;
        long iopl = (old & Rflags.IOPL) >>> 12;
        if (cpl == 0) {
            modifiable |= Rflags.IOPL | Rflags.IF;
        } else if (cpl <= iopl) {
            modifiable |= Rflags.IF;
        }
        // POPFQ that sets IF opens no interrupt shadow: a pending interrupt is taken before the next instruction
        writeRflags((old & ~modifiable) | (v & modifiable));
        pc++;
    }

    private void flagOp(int sub) {
        switch (sub) {
            case Op.FL_CLC -> setArith(arithFlags() & ~Rflags.CF);
            case Op.FL_STC -> setArith(arithFlags() | Rflags.CF);
            case Op.FL_CMC -> setArith(arithFlags() ^ Rflags.CF);
            case Op.FL_CLD -> sysFlags &= ~Rflags.DF;
            default -> sysFlags |= Rflags.DF;
        }
    }

    // ------------------------------------------------------------------ locked instructions

    private void lockedAlu(long va, int size, int sub, long src, int w1) {
        long pa = writable(va, size, stackMem(w1));
        if (pa == -1) {
            return;
        }
        long old;
        if (pa == Mmu.SPLIT) {
            synchronized (Cpu.class) { // split lock: serialise, as the bus lock does
                old = loadAt(pa, va, size);
                storeAt(pa, va, size, aluValue(sub, size, old, src));
            }
        } else {
            switch (sub) {
                case Op.ALU_ADD -> old = mem.getAndAdd(pa, size, src);
                case Op.ALU_SUB -> old = mem.getAndAdd(pa, size, -src);
                default -> {
                    do {
                        old = mem.load(pa, size);
                    } while (mem.compareAndExchange(pa, size, old, aluValue(sub, size, old, src)) != old);
                }
            }
        }
        alu(sub, size, old, src); // flags from the value the locked operation saw
        pc++;
    }

    /** The result of an ALU op without touching the flags (for CAS loops), using the current CF for adc/sbb. */
    private long aluValue(int sub, int size, long a, long b) {
        long m = MASK[size];
        return switch (sub) {
            case Op.ALU_ADD -> a + b;
            case Op.ALU_OR -> a | b;
            case Op.ALU_ADC -> a + b + (cf() ? 1 : 0);
            case Op.ALU_SBB -> a - b - (cf() ? 1 : 0);
            case Op.ALU_AND -> a & b;
            case Op.ALU_SUB -> a - b;
            default -> a ^ b;
        } & m;
    }

    private void lockedUnary(long va, int size, int sub, int w1) {
        long pa = writable(va, size, stackMem(w1));
        if (pa == -1) {
            return;
        }
        long old;
        if (pa == Mmu.SPLIT) {
            synchronized (Cpu.class) {
                old = loadAt(pa, va, size);
                storeAt(pa, va, size, unaryValue(sub, size, old));
            }
        } else if (sub == Op.UN_INC) {
            old = mem.getAndAdd(pa, size, 1);
        } else if (sub == Op.UN_DEC) {
            old = mem.getAndAdd(pa, size, -1);
        } else {
            do {
                old = mem.load(pa, size);
            } while (mem.compareAndExchange(pa, size, old, unaryValue(sub, size, old)) != old);
        }
        unary(sub, size, old);
        pc++;
    }

    private static long unaryValue(int sub, int size, long a) {
        return switch (sub) {
            case Op.UN_INC -> a + 1;
            case Op.UN_DEC -> a - 1;
            case Op.UN_NEG -> -a;
            default -> ~a;
        } & MASK[size];
    }

    private void xadd(long va, int size, int src, boolean locked, int w1) {
        long pa = writable(va, size, stackMem(w1));
        if (pa == -1) {
            return;
        }
        long old;
        if (locked && pa >= 0) {
            old = mem.getAndAdd(pa, size, r[src]);
        } else {
            old = loadAt(pa, va, size);
            storeAt(pa, va, size, old + r[src]);
        }
        long s = r[src];
        alu(Op.ALU_ADD, size, old, s);
        put(r, src, size, old);
        pc++;
    }

    private void cmpxchg(long va, int size, int src, boolean locked, int w1) {
        long pa = writable(va, size, stackMem(w1));
        if (pa == -1) {
            return;
        }
        long expected = r[Reg.RAX] & MASK[size];
        long found;
        if (locked && pa >= 0) {
            found = mem.compareAndExchange(pa, size, expected, r[src]);
        } else {
            found = loadAt(pa, va, size);
            // without lock the processor still writes: the old value back on failure
            storeAt(pa, va, size, found == expected ? r[src] : found);
        }
        alu(Op.ALU_CMP, size, expected, found);
        if (found != expected) {
            put(r, Reg.RAX, size, found);
        }
        pc++;
    }

    // ================================================================== system instructions (SystemOps)

    boolean requireCpl0() {
        if (cpl != 0) {
            fault(Vector.GP, 0);
            return false;
        }
        return true;
    }

    void advance() {
        pc++;
    }

    boolean isFaulted() {
        return faulted;
    }

    void raiseFault(int vector, long error) {
        fault(vector, error);
    }

    long operandAddress(int b, int i2) {
        return ea(b, i2);
    }

    long readOperand(long va, int size, int w1) {
        return read(va, size, stackMem(w1));
    }

    int codeWord(int b) {
        return code[b];
    }

    long immediate(int i2) {
        return imm[i2];
    }

    void syscall() {
        if ((efer & Msr.EFER_SCE) == 0) {
            fault(Vector.UD, 0);
            return;
        }
        long next = nextRip();
        long flags = rflags();
        r[Reg.RCX] = next;
        r[Reg.R11] = flags & ~Rflags.RF;
        writeRflags(flags & ~fmask & ~Rflags.RF);
        cs = (int) ((star >>> 32) & 0xFFFC);
        ss = cs + 8;
        setCpl(0);
        trace.event(id, TraceEvent.SYSCALL_ENTRY, cycles, next - 2, r[Reg.RAX], 0);
        jumpTo(lstar);
    }

    void sysret() {
        if ((efer & Msr.EFER_SCE) == 0) {
            fault(Vector.UD, 0);
            return;
        }
        if (!requireCpl0()) {
            return;
        }
        long target = r[Reg.RCX];
        if (!canonical(target)) {
            // Intel: the #GP is taken at CPL 0 with the user's RSP already loaded (CVE-2012-0217)
            fault(Vector.GP, 0);
            return;
        }
        trace.event(id, TraceEvent.SYSCALL_EXIT, cycles, currentRip(), r[Reg.RAX], 0);
        writeRflags((r[Reg.R11] & 0x3C7FD7L) | Rflags.FIXED1);
        int base = (int) ((star >>> 48) & 0xFFFF);
        cs = (base + 16) | 3;
        ss = (base + 8) | 3;
        setCpl(3);
        jumpTo(target);
    }

    void iret() {
        long sp = r[Reg.RSP];
        long newRip = read(sp, 8, true);
        long newCs = read(sp + 8, 8, true) & 0xFFFF;
        long newFlags = read(sp + 16, 8, true);
        long newRsp = read(sp + 24, 8, true);
        long newSs = read(sp + 32, 8, true) & 0xFFFF;
        if (faulted) {
            return;
        }
        int newCpl = (int) (newCs & 3);
        if (newCpl < cpl || newCs == 0) {
            fault(Vector.GP, newCs & 0xFFFC);
            return;
        }
        if (!canonical(newRip)) {
            fault(Vector.GP, 0);
            return;
        }
        long old = rflags();
        long modifiable = Rflags.ARITH | Rflags.TF | Rflags.DF | Rflags.NT | Rflags.AC | Rflags.ID | Rflags.RF;
        if (cpl == 0) {
            modifiable |= Rflags.IOPL | Rflags.IF;
        } else if (cpl <= ((old & Rflags.IOPL) >>> 12)) {
            modifiable |= Rflags.IF;
        }
        writeRflags((old & ~modifiable) | (newFlags & modifiable));
        cs = (int) newCs;
        ss = (int) newSs;
        r[Reg.RSP] = newRsp;
        setCpl(newCpl);
        nmiBlocked = false;
        recheck();
        trace.event(id, TraceEvent.IRET, cycles, currentRip(), newRip, sp);
        jumpTo(newRip);
    }

    void swapgs() {
        if (!requireCpl0()) {
            return;
        }
        long t = r[Reg.GS_BASE];
        r[Reg.GS_BASE] = kernelGsBase;
        kernelGsBase = t;
        pc++;
    }

    void segBase(boolean write, int slot, int reg) {
        if ((cr4 & ControlRegs.CR4_FSGSBASE) == 0) {
            fault(Vector.UD, 0);
            return;
        }
        if (write) {
            long v = r[reg];
            if (!canonical(v)) {
                fault(Vector.GP, 0);
                return;
            }
            r[slot] = v;
        } else {
            r[reg] = r[slot];
        }
        pc++;
    }

    private boolean iopl() {
        return cpl <= ((sysFlags & Rflags.IOPL) >>> 12);
    }

    void cli() {
        if (!iopl()) {
            fault(Vector.GP, 0);
            return;
        }
        sysFlags &= ~Rflags.IF;
        pc++;
    }

    void sti() {
        if (!iopl()) {
            fault(Vector.GP, 0);
            return;
        }
        if ((sysFlags & Rflags.IF) == 0) {
            sysFlags |= Rflags.IF;
            openShadow(1); // STI opens a one-instruction interrupt shadow
        }
        pc++;
    }

    void hlt() {
        if (!requireCpl0()) {
            return;
        }
        pc++;
        state = State.HALTED;
        trace.event(id, TraceEvent.HALT, cycles, currentRip(), 0, 0);
        pendingExit = EXIT_HALT;
    }

    void pause() {
        Thread.onSpinWait();
        pc++;
        // a tight pause loop exits to the executor, as pause-loop exiting does under KVM
        if (cycles - lastPause < 256) {
            if (++pauseStreak >= PAUSE_LOOP_THRESHOLD) {
                pauseStreak = 0;
                pendingExit = EXIT_PAUSE_LOOP;
            }
        } else {
            pauseStreak = 0;
        }
        lastPause = cycles;
    }

    void rdmsr() {
        if (!requireCpl0()) {
            return;
        }
        int msr = (int) r[Reg.RCX];
        long v;
        if (intc.hasMsr(msr)) {
            if (!intc.msrReadable(msr)) {
                fault(Vector.GP, 0);
                return;
            }
            v = intc.readMsr(msr, cycles);
        } else {
            switch (msr) {
                case Msr.EFER -> v = efer;
                case Msr.STAR -> v = star;
                case Msr.LSTAR -> v = lstar;
                case Msr.CSTAR -> v = cstar;
                case Msr.FMASK -> v = fmask;
                case Msr.FS_BASE -> v = r[Reg.FS_BASE];
                case Msr.GS_BASE -> v = r[Reg.GS_BASE];
                case Msr.KERNEL_GS_BASE -> v = kernelGsBase;
                case Msr.TSC -> v = cycles;
                case Msr.TSC_AUX -> v = tscAux;
                default -> {
                    fault(Vector.GP, 0);
                    return;
                }
            }
        }
        r[Reg.RAX] = v & 0xFFFFFFFFL;
        r[Reg.RDX] = v >>> 32;
        pc++;
    }

    void wrmsr() {
        if (!requireCpl0()) {
            return;
        }
        int msr = (int) r[Reg.RCX];
        long v = (r[Reg.RDX] << 32) | (r[Reg.RAX] & 0xFFFFFFFFL);
        if (intc.hasMsr(msr)) {
            if (!intc.writeMsr(msr, v, cycles)) {
                fault(Vector.GP, 0);
                return;
            }
            recheck(); // EOI, TPR, timers and self-IPIs can all make something deliverable
            pc++;
            return;
        }
        switch (msr) {
            case Msr.EFER -> {
                efer = v | Msr.EFER_LMA;
                applyControl();
            }
            case Msr.STAR -> star = v;
            case Msr.LSTAR, Msr.CSTAR, Msr.FS_BASE, Msr.GS_BASE, Msr.KERNEL_GS_BASE -> {
                if (!canonical(v)) {
                    fault(Vector.GP, 0);
                    return;
                }
                switch (msr) {
                    case Msr.LSTAR -> lstar = v;
                    case Msr.CSTAR -> cstar = v;
                    case Msr.FS_BASE -> r[Reg.FS_BASE] = v;
                    case Msr.GS_BASE -> r[Reg.GS_BASE] = v;
                    default -> kernelGsBase = v;
                }
            }
            case Msr.FMASK -> fmask = v & 0xFFFFFFFFL;
            case Msr.TSC -> cycles = v;
            case Msr.TSC_AUX -> tscAux = v & 0xFFFFFFFFL;
            default -> {
                fault(Vector.GP, 0);
                return;
            }
        }
        pc++;
    }

    void rdtsc(boolean withAux) {
        r[Reg.RAX] = cycles & 0xFFFFFFFFL;
        r[Reg.RDX] = cycles >>> 32;
        if (withAux) {
            r[Reg.RCX] = tscAux;
        }
        pc++;
    }

    void cpuid() {
        int leaf = (int) r[Reg.RAX];
        long a = 0;
        long bx = 0;
        long c = 0;
        long d = 0;
        switch (leaf) {
            case 0 -> {
                a = 1;
                bx = 0x73706d73L; // "smps"
                d = 0x696d6973L;  // "simi"
                c = 0x36387873L;  // "sx86"
            }
            case 1 -> {
                a = 0x000806F0L;
                bx = (long) id << 24;
                c = 1L << 21; // x2APIC
                d = (1L << 5) | (1L << 9) | (1L << 4); // MSR, APIC, TSC
            }
            default -> { }
        }
        r[Reg.RAX] = a;
        r[Reg.RBX] = bx;
        r[Reg.RCX] = c;
        r[Reg.RDX] = d;
        pc++;
    }

    void movFromCr(int crn, int reg) {
        if (!requireCpl0()) {
            return;
        }
        r[reg] = switch (crn) {
            case 0 -> cr0;
            case 2 -> cr2;
            case 3 -> mmu.cr3();
            case 4 -> cr4;
            default -> intc.readCr8();
        };
        pc++;
    }

    void movToCr(int crn, long v) {
        if (!requireCpl0()) {
            return;
        }
        switch (crn) {
            case 0 -> {
                if ((v & ControlRegs.CR0_PG) == 0 || (v & ControlRegs.CR0_PE) == 0) {
                    fault(Vector.GP, 0); // leaving long mode is outside the model
                    return;
                }
                cr0 = v;
                applyControl();
            }
            case 2 -> cr2 = v;
            case 3 -> mmu.setCr3(v);
            case 4 -> {
                if ((v & ControlRegs.CR4_PAE) == 0) {
                    fault(Vector.GP, 0);
                    return;
                }
                cr4 = v;
                applyControl();
            }
            default -> {
                intc.writeCr8((int) v & 15);
                recheck();
            }
        }
        pc++;
    }

    void movToSs(int sreg, long v) {
        switch (sreg) {
            case Op.SREG_SS -> {
                ss = (int) v & 0xFFFF;
                openShadow(2); // MOV SS blocks interrupts and NMIs for one instruction
            }
            case Op.SREG_DS -> ds = (int) v & 0xFFFF;
            default -> es = (int) v & 0xFFFF;
        }
        pc++;
    }

    long sreg(int sreg) {
        return switch (sreg) {
            case Op.SREG_CS -> cs;
            case Op.SREG_SS -> ss;
            case Op.SREG_DS -> ds;
            case Op.SREG_ES -> es;
            default -> 0;
        };
    }

    void putReg(int n, int size, long v) {
        put(r, n, size, v);
    }

    void loadTable(int which, long va) {
        long limit = read(va, 2, false);
        long base = read(va + 2, 8, false);
        if (faulted) {
            return;
        }
        if (which == 1) {
            idtBase = base;
            idtLimit = (int) limit;
        } else {
            gdtBase = base;
            gdtLimit = (int) limit;
        }
        pc++;
    }

    void ltr(int sel) {
        if (!requireCpl0()) {
            return;
        }
        if ((sel & 0xFFFC) == 0 || (sel & 4) != 0 || (sel | 7) > gdtLimit) {
            fault(Vector.GP, sel & 0xFFFC);
            return;
        }
        long da = gdtBase + (sel & ~7);
        long lo = read(da, 8, false);
        long hi = read(da + 8, 8, false);
        if (faulted) {
            return;
        }
        int type = (int) (lo >>> 40) & 0xF;
        boolean present = ((lo >>> 47) & 1) != 0;
        if (type != 9) { // an available 64-bit TSS
            fault(Vector.GP, sel & 0xFFFC);
            return;
        }
        if (!present) {
            fault(Vector.NP, sel & 0xFFFC);
            return;
        }
        if (!write(da, 8, lo | (2L << 40), false)) { // mark it busy
            return;
        }
        tssBase = ((lo >>> 16) & 0xFFFFFFL) | (((lo >>> 56) & 0xFF) << 24) | ((hi & 0xFFFFFFFFL) << 32);
        tr = sel;
        trLoaded = true;
        pc++;
    }

    void invlpg(long va) {
        if (!requireCpl0()) {
            return;
        }
        mmu.flushPage(va);
        pc++;
    }

    int vmcall() {
        if (hypercalls == null) {
            fault(Vector.UD, 0);
            return 0;
        }
        long rax = r[Reg.RAX];
        pc++;
        int x = hypercalls.hypercall(this);
        if (faulted) {
            pc--; // a failed hypercall faults on the vmcall itself
        }
        trace.event(id, TraceEvent.HYPERCALL, cycles, faultRip, rax, r[Reg.RAX]);
        return x;
    }

    void setPendingExit(int x) {
        if (x != 0) {
            pendingExit = x;
        }
    }

    /**
     * Reads 8 bytes at a virtual address through this core's page tables, as supervisor code would;
     * {@link Long#MIN_VALUE} if the page is not mapped. For checkers on the core's own thread.
     */
    public long peek64(long va) {
        long pa = mmu.translate(va, 8, Mmu.READ);
        return pa < 0 ? Long.MIN_VALUE : mem.load(pa, 8);
    }

    /** Kernel services raise an exception as if the current instruction had caused it. */
    public void raise(int vector, long error) {
        fault(vector, error);
    }

    /** Charges extra simulated cycles (a kernel service's cost). */
    public void charge(long c) {
        cycles += c;
    }

    // ================================================================== exception and interrupt delivery

    static final int KIND_FAULT = 0;
    static final int KIND_SOFTWARE = 1;
    static final int KIND_EXTERNAL = 2;
    static final int KIND_NMI = 3;

    private void softInterrupt(int vector) {
        // int3 / int n are traps: the saved RIP is the next instruction
        long next = nextRip();
        exceptionsTaken++;
        cycles += costs.exceptionDelivery();
        deliver(vector, 0, KIND_SOFTWARE, next);
    }

    /**
     * Delivers an event through the IDT. A fault while doing so escalates per the SDM: to #DF for
     * contributory-on-contributory and page-fault-on-page-fault-or-contributory, otherwise the new
     * fault is delivered instead; a fault while delivering #DF shuts the core down (triple fault).
     */
    private boolean deliver(int vector, long error, int kind, long savedRip) {
        int v = vector;
        long err = error;
        int k = kind;
        long rip = savedRip;
        for (int attempt = 0; attempt < 8; attempt++) {
            if (v == Vector.PF) {
                cr2 = cr2Pending;
            }
            if (k == KIND_FAULT) {
                exceptionsTaken++;
                trace.event(id, TraceEvent.EXCEPTION, cycles, rip, v, err);
            }
            lastVector = v;
            nestedFault = false;
            if (deliverOnce(v, err, k, rip)) {
                return attempt == 0;
            }
            int nv = nestedVector;
            long ne = nestedError;
            if (v == Vector.DF) {
                shutdown("triple fault: " + Vector.name(nv) + " (error 0x" + Long.toHexString(ne)
                    + ") while delivering #DF");
                return false;
            }
            boolean exception = k == KIND_FAULT || k == KIND_SOFTWARE;
            if (exception && v < 32 && Vector.escalatesToDoubleFault(v, nv)) {
                v = Vector.DF;
                err = 0;
            } else {
                v = nv;
                err = ne;
            }
            k = KIND_FAULT;
            // a fault during delivery restarts the instruction (or boundary) that raised the first event
            rip = kind == KIND_SOFTWARE ? faultRip : rip;
        }
        shutdown("exception delivery did not converge");
        return false;
    }

    private boolean deliverOnce(int v, long err, int kind, long savedRip) {
        int ext = kind == KIND_EXTERNAL || kind == KIND_NMI ? 1 : 0;
        if (v * 16L + 15 > idtLimit) {
            nested(Vector.GP, v * 8L + 2 + ext);
            return false;
        }
        long ga = idtBase + v * 16L;
        long lo = implicitRead(ga, 8);
        long hi = implicitRead(ga + 8, 8);
        if (nestedFault) {
            return false;
        }
        int type = (int) (lo >>> 40) & 0xF;
        int dpl = (int) (lo >>> 45) & 3;
        boolean present = ((lo >>> 47) & 1) != 0;
        int ist = (int) (lo >>> 32) & 7;
        int sel = (int) (lo >>> 16) & 0xFFFF;
        long target = (lo & 0xFFFFL) | ((lo >>> 32) & 0xFFFF0000L) | (hi << 32);
        if (type != 0xE && type != 0xF) {
            nested(Vector.GP, v * 8L + 2 + ext);
            return false;
        }
        if (kind == KIND_SOFTWARE && dpl < cpl) {
            nested(Vector.GP, v * 8L + 2);
            return false;
        }
        if (!present) {
            nested(Vector.NP, v * 8L + 2 + ext);
            return false;
        }
        if ((sel & 0xFFFC) == 0) {
            nested(Vector.GP, ext);
            return false;
        }
        int newCpl = sel & 3;
        long rsp;
        if (ist != 0) {
            rsp = tssField(36 + (ist - 1) * 8);
        } else if (cpl > newCpl) {
            rsp = tssField(4 + newCpl * 8);
        } else {
            rsp = r[Reg.RSP];
        }
        if (nestedFault) {
            return false;
        }
        rsp &= ~0xFL;
        boolean hasErr = kind == KIND_FAULT && Vector.hasErrorCode(v);
        int n = hasErr ? 6 : 5;
        long top = rsp - 8L * n;
        if (!frameWritable(rsp, top, n, ext)) {
            return false;
        }
        long pa = mmu.translate(top, 8 * n, Mmu.WRITE);
        long oldRflags = rflags();
        long[] frame = frameScratch;
        frame[0] = hasErr ? err : 0;
        frame[1] = savedRip;
        frame[2] = cs;
        frame[3] = oldRflags;
        frame[4] = r[Reg.RSP];
        frame[5] = ss;
        int first = hasErr ? 0 : 1;
        for (int i = first; i < 6; i++) {
            long slot = top + 8L * (i - first);
            if (pa >= 0) {
                mem.store(pa + 8L * (i - first), 8, frame[i]);
            } else {
                for (int kk = 0; kk < 8; kk++) {
                    mem.store(mmu.translatePart(slot + kk, Mmu.WRITE), 1, frame[i] >>> (8 * kk));
                }
            }
        }
        if (cpl > newCpl) {
            ss = newCpl; // the null selector with RPL = new CPL
        }
        cs = sel;
        setCpl(newCpl);
        r[Reg.RSP] = top;
        long nf = oldRflags & ~(Rflags.TF | Rflags.NT | Rflags.RF | Rflags.VM);
        if (type == 0xE) {
            nf &= ~Rflags.IF;
        }
        writeRflags(nf);
        if (kind == KIND_NMI) {
            nmiBlocked = true;
        }
        cycles += kind == KIND_EXTERNAL || kind == KIND_NMI ? costs.interruptDelivery() : 0;
        shadowAt = -1; // the shadow of this boundary is spent
        probeDone = false;
        trace.event(id, TraceEvent.DELIVERED, cycles, savedRip, TraceEvent.deliveredInfo(v, ist, hasErr, kind), top);
        jumpTo(target);
        return true;
    }

    private final long[] frameScratch = new long[6];

    /**
     * Checks the frame's stack slots in the order the CPU pushes them (SS at RSP-8 first, downward),
     * so a fault reports the first slot that faults in CR2, as the pushes would.
     */
    private boolean frameWritable(long rsp, long top, int n, int ext) {
        long first = rsp - 8;
        long firstPage = first & ~0xFFFL;
        for (int probe = 0; probe < 2; probe++) {
            long slot = probe == 0 ? first : firstPage - 8;
            if (probe == 1 && top >= firstPage) {
                break;
            }
            long pa = mmu.translate(slot, 8, Mmu.WRITE);
            if (pa == Mmu.NON_CANONICAL) {
                nested(Vector.SS, ext);
                return false;
            }
            if (pa < 0 && pa != Mmu.SPLIT) {
                nested(Vector.PF, mmu.faultCode);
                cr2Pending = slot;
                return false;
            }
        }
        return true;
    }

    private long tssField(int off) {
        if (!trLoaded) {
            nested(Vector.TS, tr & 0xFFFC);
            return 0;
        }
        return implicitRead(tssBase + off, 8);
    }

    private void shutdown(String why) {
        state = State.SHUTDOWN;
        shutdownReason = why;
        pendingExit = EXIT_SHUTDOWN;
        trace.event(id, TraceEvent.SHUTDOWN, cycles, faultRip, lastVector, 0);
    }

    /** Records a machine shutdown requested from outside (an invariant checker stopping the run). */
    public void forceShutdown(String why) {
        shutdown(why);
    }

    // ================================================================== dumps

    /** A snapshot of the architectural state, for reports and the JSON of {@code smpsim run}. */
    public CpuDump dump() {
        long[] g = new long[16];
        System.arraycopy(r, 0, g, 0, 16);
        return new CpuDump(id, state, g, rip(), rflags(), cs, ss, cpl, r[Reg.FS_BASE], r[Reg.GS_BASE], kernelGsBase,
            cr0, cr2, mmu.cr3(), cr4, efer, cycles, retired, shutdownReason, where());
    }
}
