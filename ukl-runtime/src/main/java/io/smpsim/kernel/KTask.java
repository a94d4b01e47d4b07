package io.smpsim.kernel;

import io.smpsim.sched.Task;

/**
 * A kernel task: the scheduler's {@link Task} plus what the kernel keeps about it — its task
 * struct in kernel memory (what the assembly sees), its kernel stack, its process for user and
 * UKL tasks, and how it ended.
 */
public final class KTask extends Task {
    private final int kind;
    private final long struct;
    private final long stackTop;
    private final Process process;
    private final int thread;
    /** Physical address of pt_regs (it lies in the stack's top page, one physical frame). */
    private final long ptRegsPhys;
    private volatile long exitCode = Long.MIN_VALUE;
    private volatile boolean killed;
    /** The CPU this task was switched out on while inside the kernel (preempted in a system call), or -1. */
    int preemptedInKernelOn = -1;
    private volatile String killReason;

    KTask(int id, String name, int nice, boolean idle, int kind, long struct, long stackTop, long ptRegsPhys,
          Process process, int thread) {
        super(id, name, nice, idle);
        this.ptRegsPhys = ptRegsPhys;
        this.kind = kind;
        this.struct = struct;
        this.stackTop = stackTop;
        this.process = process;
        this.thread = thread;
    }

    /** {@link Layout#KIND_KERNEL}, {@link Layout#KIND_USER} or {@link Layout#KIND_UKL}. */
    public int kind() {
        return kind;
    }

    /** The task struct's address (kernel virtual). */
    public long struct() {
        return struct;
    }

    public long stackTop() {
        return stackTop;
    }

    public long ptRegs() {
        return stackTop - Layout.PT_SIZE;
    }

    /** The physical address of this task's pt_regs, for the kernel's Java side. */
    public long ptRegsPhys() {
        return ptRegsPhys;
    }

    /** The process of a user or UKL task; null for kernel threads. */
    public Process process() {
        return process;
    }

    /** This task's thread number within its process. */
    public int thread() {
        return thread;
    }

    public boolean exited() {
        return exitCode != Long.MIN_VALUE;
    }

    /** The exit code (a workload's checksum); Long.MIN_VALUE while it runs. */
    public long exitCode() {
        return exitCode;
    }

    void exited(long code) {
        exitCode = code;
    }

    void kill(String reason) {
        killed = true;
        killReason = reason;
        exitCode = -1;
    }

    public boolean killed() {
        return killed;
    }

    public String killReason() {
        return killReason;
    }
}
