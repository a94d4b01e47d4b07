package io.smpsim.check;

import io.smpsim.cpu.Cpu;
import io.smpsim.isa.Reg;
import io.smpsim.isa.Vector;
import io.smpsim.trace.TraceEvent;
import io.smpsim.trace.TraceSink;

/**
 * The DESIGN 9 invariants of the entry code, checked synchronously on each core's thread as its
 * events happen (never per instruction): where every interrupt and exception entry lands for the
 * context it interrupted, in_user at every delivery, iretq and hypercall, the IST stacks, and
 * scheduling on them. It also counts, per instruction boundary of the entry text, the interrupts
 * and NMIs taken there (the coverage a report shows). What it needs of the kernel it asks through
 * {@link Context}, so this package does not depend on the kernel's.
 */
public final class EntryChecker implements TraceSink {
    /** in_user values (DESIGN 7). */
    public static final int IN_USER_NONE = 0;
    public static final int IN_USER_KERNEL = 1;
    public static final int IN_USER_APP = 2;
    private static final long USER_HALF_END = 0x0000800000000000L;
    private static final int MAX_IST = 8;

    /** What the checker reads of the kernel. Task arguments are task-struct addresses. */
    public interface Context {
        long currentTask(int cpu);

        boolean isUkl(long task);

        long inUser(long task);

        /** True if {@code rsp} lies on the kernel stack of {@code task} (its guard page excluded). */
        boolean onKernelStack(long task, long rsp);

        /** The IST index (1-7) of the stack of {@code cpu} that {@code rsp} lies on, or 0. */
        int istOf(int cpu, long rsp);

        String describe(long task);

        /** Reports a violation on {@code cpu} and stops the run; the core is shut down. */
        void violation(int cpu, String invariant, String message);

        /** {@code cpu} shut down: a triple fault, unless a violation already stopped it. */
        void shutdown(int cpu);
    }

    private final Context ctx;
    private final Cpu[] cpus;
    private final TraceSink next;
    /** [cpu][ist]: the task whose frame an IST stack holds, or 0. Touched only by that CPU's thread. */
    private final long[][] istOwner;
    private final long entryStart;
    private final long entryEnd;
    /** [cpu][byte offset in the entry text]: interrupts (and NMIs) taken at that boundary. */
    private final long[][] boundaryInterrupts;
    private final long[][] boundaryNmis;
    private final long[] appEntries;
    private final long[] kernelEntries;
    private final long[] istEntries;

    public EntryChecker(Context ctx, Cpu[] cpus, long entryStart, long entryEnd, TraceSink next) {
        this.ctx = ctx;
        this.cpus = cpus.clone();
        this.next = next;
        this.istOwner = new long[cpus.length][MAX_IST];
        this.entryStart = entryStart;
        this.entryEnd = Math.max(entryStart, entryEnd);
        int len = (int) (this.entryEnd - entryStart);
        this.boundaryInterrupts = new long[cpus.length][len];
        this.boundaryNmis = new long[cpus.length][len];
        this.appEntries = new long[cpus.length];
        this.kernelEntries = new long[cpus.length];
        this.istEntries = new long[cpus.length];
    }

    @Override
    public void event(int cpu, int type, long cycles, long rip, long a, long b) {
        if (type == TraceEvent.DELIVERED) {
            delivered(cpu, rip, a, b);
        } else if (type == TraceEvent.IRET) {
            iret(cpu, a, b);
        } else if (type == TraceEvent.SHUTDOWN) {
            ctx.shutdown(cpu);
        }
        next.event(cpu, type, cycles, rip, a, b);
    }

    // ------------------------------------------------------------------ deliveries

    private void delivered(int cpu, long savedRip, long info, long frame) {
        int vector = (int) (info & 0xFF);
        int ist = (int) (info >>> 8) & 7;
        boolean err = (info >>> 11 & 1) != 0;
        int kind = (int) (info >>> 12) & 3;
        if (kind >= 2 && savedRip >= entryStart && savedRip < entryEnd) {
            (kind == 3 ? boundaryNmis : boundaryInterrupts)[cpu][(int) (savedRip - entryStart)]++;
        }
        long task = ctx.currentTask(cpu);
        if (ist != 0) {
            istEntries[cpu]++;
            long owner = istOwner[cpu][ist];
            if (owner != 0) {
                ctx.violation(cpu, "ist-reentry", Vector.name(vector) + " entered IST" + ist + " of CPU " + cpu
                    + " while it still holds the frame of " + ctx.describe(owner) + " (current: " + ctx.describe(task)
                    + ")");
                return;
            }
            istOwner[cpu][ist] = task;
            return; // IST entries (NMI, #DF, IST #PF) are paranoid: they may interrupt any context
        }
        Cpu c = cpus[cpu];
        long cs = c.peek64(frame + (err ? 16 : 8));
        long rsp = c.peek64(frame + (err ? 32 : 24));
        String what = Vector.name(vector) + " at 0x" + Long.toHexString(savedRip);
        contextCheck(cpu, task, (int) cs & 3, rsp, "entry of " + what);
        if (ctx.isUkl(task) && ctx.inUser(task) == IN_USER_APP) {
            appEntries[cpu]++;
        } else {
            kernelEntries[cpu]++;
        }
    }

    /**
     * The context (CPL, stack) the CPU was in or returns to must be the one in_user names: the
     * application on its user stack (2), the kernel on the task's stack or an IST stack (1), or no
     * UKL task at all (0).
     */
    private void contextCheck(int cpu, long task, int cpl, long rsp, String at) {
        long iu = ctx.inUser(task);
        boolean ukl = ctx.isUkl(task);
        if (cpl == 3) {
            if (ukl) {
                ctx.violation(cpu, "ukl-cpl3", at + ": UKL " + ctx.describe(task) + " ran at CPL 3");
            } else if (iu != IN_USER_NONE) {
                ctx.violation(cpu, "in-user", at + ": " + ctx.describe(task) + " is not a UKL task but in_user = " + iu);
            }
            return;
        }
        if (!ukl) {
            if (iu != IN_USER_NONE) {
                ctx.violation(cpu, "in-user", at + ": " + ctx.describe(task) + " is not a UKL task but in_user = " + iu);
            }
            return;
        }
        boolean onUser = rsp >= 0 && rsp < USER_HALF_END;
        if (iu == IN_USER_APP) {
            if (!onUser) {
                ctx.violation(cpu, "entry-stack", at + ": in_user = 2 (application) but RSP 0x" + Long.toHexString(rsp)
                    + " is not on the user stack of " + ctx.describe(task));
            }
        } else if (iu == IN_USER_KERNEL) {
            if (!ctx.onKernelStack(task, rsp) && ctx.istOf(cpu, rsp) == 0) {
                ctx.violation(cpu, "entry-stack", at + ": in_user = 1 (kernel) but RSP 0x" + Long.toHexString(rsp)
                    + (onUser ? " is the user stack" : " is not the kernel stack") + " of " + ctx.describe(task));
            }
        } else {
            ctx.violation(cpu, "in-user", at + ": UKL " + ctx.describe(task) + " has in_user = " + iu);
        }
    }

    // ------------------------------------------------------------------ iretq

    private void iret(int cpu, long newRip, long frame) {
        int ist = ctx.istOf(cpu, frame);
        if (ist != 0) {
            istOwner[cpu][ist] = 0; // a paranoid return: the IST stack is free again
            return;
        }
        Cpu c = cpus[cpu];
        long task = ctx.currentTask(cpu);
        contextCheck(cpu, task, c.cpl(), c.reg(Reg.RSP), "iretq to 0x" + Long.toHexString(newRip));
    }

    // ------------------------------------------------------------------ hypercalls

    /**
     * Kernel code of the current task runs (a hypercall, {@code nr}) with RSP {@code rsp}: in_user
     * must say kernel context, nothing may schedule on an IST stack, and an IST stack whose owner is
     * back on its own kernel stack is free. Returns false after reporting a violation.
     */
    public boolean atHypercall(int cpu, long rsp, boolean schedules) {
        long task = ctx.currentTask(cpu);
        int ist = ctx.istOf(cpu, rsp);
        if (ist != 0) {
            if (schedules) {
                ctx.violation(cpu, "sleep-on-ist", "schedule() called on IST" + ist + " of CPU " + cpu + " by "
                    + ctx.describe(task) + ": a task that sleeps here leaves its frame for the next entry to overwrite");
                return false;
            }
            return true;
        }
        long[] owners = istOwner[cpu];
        for (int i = 1; i < MAX_IST; i++) {
            if (owners[i] == task && owners[i] != 0) {
                owners[i] = 0; // its handler moved to the task's stack (as Linux's IST entries from user mode do)
            }
        }
        long iu = ctx.inUser(task);
        if (ctx.isUkl(task) ? iu != IN_USER_KERNEL : iu != IN_USER_NONE) {
            ctx.violation(cpu, "in-user", "kernel code of " + ctx.describe(task) + " runs on its kernel stack with in_user = "
                + iu + (ctx.isUkl(task) ? " (must be 1)" : " (must be 0: not a UKL task)"));
            return false;
        }
        return true;
    }

    /** A task died: whatever IST frame it left behind will never be returned through. */
    public void taskDied(long task) {
        for (long[] owners : istOwner) {
            for (int i = 1; i < MAX_IST; i++) {
                if (owners[i] == task) {
                    owners[i] = 0;
                }
            }
        }
    }

    // ------------------------------------------------------------------ coverage and counts

    public long entryStart() {
        return entryStart;
    }

    public long entryEnd() {
        return entryEnd;
    }

    /** Interrupts (not NMIs) taken at the boundary before the instruction at {@code rip}, all CPUs. */
    public long interruptsAt(long rip) {
        return sum(boundaryInterrupts, rip);
    }

    public long nmisAt(long rip) {
        return sum(boundaryNmis, rip);
    }

    private long sum(long[][] perCpu, long rip) {
        if (rip < entryStart || rip >= entryEnd) {
            return 0;
        }
        long n = 0;
        for (long[] a : perCpu) {
            n += a[(int) (rip - entryStart)];
        }
        return n;
    }

    /** Entries that interrupted a UKL application (in_user 2 at delivery). */
    public long applicationEntries() {
        return total(appEntries);
    }

    public long kernelEntries() {
        return total(kernelEntries);
    }

    public long istEntries() {
        return total(istEntries);
    }

    private static long total(long[] a) {
        long n = 0;
        for (long v : a) {
            n += v;
        }
        return n;
    }
}
