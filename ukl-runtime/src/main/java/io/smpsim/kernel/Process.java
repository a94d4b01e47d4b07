package io.smpsim.kernel;

import io.smpsim.kernel.mm.AddressSpace;
import io.smpsim.program.Program;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A user (or UKL) process: an address space and its threads, and what it ended with — each thread's
 * registers at exit and a hash of its memory — for comparison with a sequential run (the oracle).
 */
public final class Process {
    private final int pid;
    private final String name;
    private final AddressSpace space;
    private final Program program;
    private final String entry;
    private final long arg;
    private final boolean ukl;
    private final List<KTask> threads = new ArrayList<>();
    private final List<long[]> exitRegs = new ArrayList<>();
    private int live;
    private int exits;
    private long memoryHash;

    Process(int pid, String name, AddressSpace space, Program program, String entry, long arg, boolean ukl) {
        this.pid = pid;
        this.name = name;
        this.space = space;
        this.program = program;
        this.entry = entry;
        this.arg = arg;
        this.ukl = ukl;
    }

    public int pid() {
        return pid;
    }

    public String name() {
        return name;
    }

    public AddressSpace space() {
        return space;
    }

    public Program program() {
        return program;
    }

    /** The symbol every thread started at. */
    public String entry() {
        return entry;
    }

    /** The argument every thread started with (RSI). */
    public long arg() {
        return arg;
    }

    public boolean ukl() {
        return ukl;
    }

    synchronized void add(KTask t) {
        threads.add(t);
        exitRegs.add(null);
        live++;
    }

    /** A thread ended; returns true if it was the last one. */
    synchronized boolean threadEnded() {
        return --live == 0;
    }

    public synchronized List<KTask> threads() {
        return List.copyOf(threads);
    }

    /**
     * Records that thread i called exit with these general registers (pt_regs order; null when it
     * was killed). Returns true when it was the last thread of the process to end.
     */
    synchronized boolean recordExit(int thread, long[] regs) {
        exitRegs.set(thread, regs);
        return ++exits == threads.size();
    }

    /** Thread i's registers at exit (pt_regs order, 15 GPRs from r15 to rdi), or null. */
    public synchronized long[] exitRegs(int thread) {
        long[] r = exitRegs.get(thread);
        return r == null ? null : Arrays.copyOf(r, r.length);
    }

    synchronized void recordMemoryHash(long h) {
        memoryHash = h;
    }

    /** A hash of the process's writable memory (data, bss, heap) when its last thread exited. */
    public synchronized long memoryHash() {
        return memoryHash;
    }

    /** True when every thread has exited (or was killed). */
    public synchronized boolean finished() {
        return exits == threads.size();
    }
}
