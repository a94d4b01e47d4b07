package io.smpsim.kernel;

import io.smpsim.cpu.Cpu;
import io.smpsim.cpu.HypercallHandler;
import io.smpsim.isa.Reg;
import io.smpsim.kernel.mm.KernelMemory;
import io.smpsim.memory.PhysicalMemory;
import io.smpsim.sched.Scheduler;
import io.smpsim.sched.SchedulerInvariantException;
import io.smpsim.sched.Task;
import io.smpsim.trace.TraceEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The kernel's Java half: every {@code vmcall} of the kernel assembly lands here, on the calling
 * CPU's thread, and runs atomically on that CPU. Java locks taken here are released before the
 * hypercall returns.
 */
public final class Hypercalls implements HypercallHandler {
    private final Kernel k;
    private final KernelMemory km;
    private final Scheduler sched;
    private final long tick;
    private final CpuTimers[] timers;
    private final Map<Long, List<KTask>> futexQueues = new HashMap<>();
    private final LongAdder syscalls = new LongAdder();
    private final LongAdder nullSyscalls = new LongAdder();
    private final LongAdder ticks = new LongAdder();
    private final LongAdder deviceIrqs = new LongAdder();
    private final LongAdder preemptionsInKernel = new LongAdder();
    private final LongAdder futexWakes = new LongAdder();
    private final LongAdder futexWaits = new LongAdder();
    private final LongAdder stackGrowths = new LongAdder();
    private final LongAdder doubleFaults = new LongAdder();
    private final LongAdder migratedInKernel = new LongAdder();
    private final LongAdder tasksKilled = new LongAdder();
    /** The next cycle count at which some ticking CPU runs the periodic checks. */
    private final AtomicLong nextCheck = new AtomicLong();

    /** One CPU's sleepers (nanosleep), by deadline. Touched only by its own CPU. */
    private static final class CpuTimers {
        final PriorityQueue<long[]> queue = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        final Map<Long, KTask> owners = new HashMap<>();
        long seq;
        long nextTick;

        long next() {
            long[] head = queue.peek();
            return head == null ? Long.MAX_VALUE : head[0];
        }
    }

    Hypercalls(Kernel k) {
        this.k = k;
        this.km = k.memory();
        this.sched = k.scheduler();
        this.tick = k.config().tickCycles();
        this.timers = new CpuTimers[k.config().cores()];
        for (int i = 0; i < timers.length; i++) {
            timers[i] = new CpuTimers();
        }
    }

    @Override
    public int hypercall(Cpu cpu) {
        int c = cpu.id();
        long nr = cpu.reg(Reg.RAX);
        if (cpu.gsBase() != k.percpuArea(c)) {
            k.report(cpu, "gs-base", "kernel code runs with GS.base 0x" + Long.toHexString(cpu.gsBase())
                + ", not CPU " + c + "'s per-CPU area 0x" + Long.toHexString(k.percpuArea(c)));
            cpu.forceShutdown("GS.base is not the per-CPU area in kernel code");
            return Cpu.EXIT_SHUTDOWN;
        }
        if (!stackOk(cpu, c) || !k.checker().atHypercall(c, cpu.reg(Reg.RSP), nr == Layout.HC_SCHED_PICK)) {
            return Cpu.EXIT_SHUTDOWN;
        }
        try {
            switch ((int) nr) {
                case Layout.HC_BOOT -> cpu.setReg(Reg.RAX, boot(c, cpu.cycles()));
                case Layout.HC_SCHED_PICK -> cpu.setReg(Reg.RAX, pick(cpu, c));
                case Layout.HC_SCHED_FINISH -> finish(cpu, c);
                case Layout.HC_IRQ -> cpu.setReg(Reg.RAX, irq(cpu, c, (int) cpu.reg(Reg.RDI), cpu.reg(Reg.RSI)));
                case Layout.HC_SYSCALL -> syscall(cpu, c, cpu.reg(Reg.RDI));
                case Layout.HC_FAULT -> cpu.setReg(Reg.RAX, fault(cpu, c, (int) cpu.reg(Reg.RDI), cpu.reg(Reg.RSI),
                    cpu.reg(Reg.RDX)));
                case Layout.HC_IDLE -> cpu.setReg(Reg.RAX, idle(c, cpu.cycles()));
                case Layout.HC_THREAD_EXIT -> threadExit(cpu, c, cpu.reg(Reg.RDI));
                case Layout.HC_VIOLATION -> {
                    k.report(cpu, violationName((int) cpu.reg(Reg.RDI)), "reported by the kernel assembly");
                    cpu.forceShutdown("kernel assembly reported a violation");
                    return Cpu.EXIT_SHUTDOWN;
                }
                default -> {
                    k.report(cpu, "unknown-hypercall", "hypercall " + nr);
                    cpu.forceShutdown("unknown hypercall");
                    return Cpu.EXIT_SHUTDOWN;
                }
            }
        } catch (SchedulerInvariantException e) {
            k.report(cpu, "scheduler", e.getMessage());
            cpu.forceShutdown("scheduler invariant");
            return Cpu.EXIT_SHUTDOWN;
        }
        return 0;
    }

    private static String violationName(int code) {
        return switch (code) {
            case Layout.V_PREEMPT_COUNT -> "preempt-count";
            case Layout.V_GS_BASE -> "gs-base";
            case Layout.V_BAD_STACK -> "stack";
            case Layout.V_IN_USER -> "in-user";
            default -> "unexpected";
        };
    }

    /** Kernel code must run on the current task's kernel stack or one of this CPU's IST stacks. */
    private boolean stackOk(Cpu cpu, int c) {
        long rsp = cpu.reg(Reg.RSP);
        long cur = k.pcpuRead(c, Layout.PCPU_CURRENT);
        long top = km.read64(cur + Layout.TASK_STACK_TOP);
        if (rsp <= top && rsp > KernelMemory.kernelStackBottom(top)) {
            return true;
        }
        long istBase = Layout.VMAP_IST + c * Layout.IST_CPU_SLOT;
        if (rsp > istBase && rsp <= istBase + Layout.IST_CPU_SLOT) {
            return true;
        }
        String what = rsp <= KernelMemory.kernelStackBottom(top) && rsp > KernelMemory.kernelStackBottom(top) - 4096
            ? "kernel stack overflow into the guard page" : "kernel code on a stack that is not the current task's";
        k.report(cpu, "stack", what + ": RSP 0x" + Long.toHexString(rsp) + ", task stack top 0x" + Long.toHexString(top));
        cpu.forceShutdown(what);
        return false;
    }

    // ------------------------------------------------------------------ boot, scheduling, idle

    private long boot(int c, long now) {
        if (k.config().sequential()) {
            timers[c].nextTick = Long.MAX_VALUE;
            return 0; // no periodic tick: the timer stays disarmed until a sleeper needs it
        }
        timers[c].nextTick = now + tick;
        return timers[c].nextTick;
    }

    private long pick(Cpu cpu, int c) {
        KTask prev = k.currentTask(c);
        if (prev.kind() != Layout.KIND_KERNEL) {
            // below a second pt_regs: schedule() was reached from an interrupt inside a system call
            prev.preemptedInKernelOn = cpu.reg(Reg.RSP) < prev.ptRegs() - Layout.PT_SIZE ? c : -1;
        }
        Task next = sched.pickNext(c, cpu.cycles());
        KTask n = (KTask) next;
        if (n != prev) {
            k.recorder().event(c, TraceEvent.CONTEXT_SWITCH, cpu.cycles(), cpu.rip(), prev.id(), n.id());
        }
        return n.struct();
    }

    private void finish(Cpu cpu, int c) {
        KTask prev = k.task(cpu.reg(Reg.RDI));
        if (prev == null) {
            k.report(cpu, "scheduler", "finish_task_switch of an unknown task struct 0x"
                + Long.toHexString(cpu.reg(Reg.RDI)));
            return;
        }
        boolean dead = sched.finishSwitch(c, prev, cpu.cycles());
        KTask cur = k.currentTask(c);
        if (cur == null) { // its struct belongs to no live task: it was reaped while it ran here
            k.report(cpu, "scheduler", "the task struct 0x" + Long.toHexString(k.pcpuRead(c, Layout.PCPU_CURRENT))
                + " current on CPU " + c + " is no live task's");
            return;
        }
        if (cur.preemptedInKernelOn >= 0) {
            if (cur.preemptedInKernelOn != c) {
                migratedInKernel.increment(); // resumes inside its system call on another CPU
            }
            cur.preemptedInKernelOn = -1;
        }
        if (dead) {
            k.reap(prev);
        }
    }

    private long idle(int c, long now) {
        if (sched.takeWakeList(c) || sched.runnable(c) > 0) {
            k.needResched(c);
            return -1;
        }
        CpuTimers t = timers[c];
        long next = t.next();
        t.nextTick = next;
        return next == Long.MAX_VALUE ? 0 : next; // NO_HZ: only a sleeper's wakeup is armed
    }

    // ------------------------------------------------------------------ interrupts

    private long irq(Cpu cpu, int c, int vector, long regs) {
        long now = cpu.cycles();
        switch (vector) {
            case Layout.VEC_TIMER -> {
                ticks.increment();
                expireTimers(c, now);
                boolean resched = sched.tick(c, now);
                KTask cur = k.currentTask(c);
                if (resched) {
                    k.needResched(c);
                    // by the interrupted RIP, not CS: a UKL application runs at CPL 0 in the user half
                    boolean inKernel = Long.compareUnsigned(km.read64(regs + Layout.PT_RIP), Layout.USER_HALF_END) >= 0;
                    if (cur != null && cur.kind() != Layout.KIND_KERNEL && inKernel) {
                        preemptionsInKernel.increment(); // the tick caught a task inside a system call
                    }
                }
                if (sched.runnable(c) >= 2) {
                    k.kickIdle(c);
                }
                long due = nextCheck.get();
                if (now >= due && nextCheck.compareAndSet(due, now + tick * k.config().checkEveryTicks())) {
                    checks(cpu, now); // on whichever CPU still ticks (an idle one does not: NO_HZ)
                }
                return rearm(c, now);
            }
            case Layout.VEC_RESCHEDULE -> {
                boolean preempt = sched.takeWakeList(c);
                if (preempt || k.currentTask(c).isIdle()) {
                    k.needResched(c);
                }
                return rearm(c, now);
            }
            case Layout.VEC_DEVICE -> {
                deviceIrqs.increment();
                return -1;
            }
            default -> {
                return -1;
            }
        }
    }

    /** The next deadline: the tick while there is work here, else only the next sleeper (NO_HZ). */
    private long rearm(int c, long now) {
        CpuTimers t = timers[c];
        boolean busy = !k.config().sequential() && (sched.runnable(c) > 0 || !k.currentTask(c).isIdle()
            || k.pcpuRead(c, Layout.PCPU_NEED_RESCHED) != 0);
        long next = busy ? Math.min(now + tick, t.next()) : t.next();
        t.nextTick = next;
        return next == Long.MAX_VALUE ? 0 : next;
    }

    private void expireTimers(int c, long now) {
        CpuTimers t = timers[c];
        long[] head;
        while ((head = t.queue.peek()) != null && head[0] <= now) {
            t.queue.poll();
            KTask task = t.owners.remove(head[1]);
            if (task != null && wake(task, c, now)) {
                k.needResched(c);
            }
        }
    }

    private boolean wake(KTask t, int from, long now) {
        return sched.wake(t, from, now) == Scheduler.WakeResult.WOKEN_PREEMPT_LOCAL;
    }

    /** Periodic checks: scheduler invariants and the hung-task watchdog. */
    private void checks(Cpu cpu, long now) {
        List<String> problems = sched.checkInvariants();
        if (!problems.isEmpty()) {
            k.report(cpu, "scheduler", String.join("; ", problems));
            return;
        }
        for (KTask t : futexWaiters()) {
            if (t.state() == Task.State.SLEEPING && now - t.sleptAt() > k.config().hungTaskCycles()) {
                k.report(cpu, "hung-task", t + " has waited on a futex for " + (now - t.sleptAt())
                    + " cycles: a lost wakeup?");
                return;
            }
        }
    }

    /** Tasks asleep on a futex now. */
    public List<KTask> futexWaiters() {
        List<KTask> waiters = new ArrayList<>();
        synchronized (futexQueues) {
            futexQueues.values().forEach(waiters::addAll);
        }
        return waiters;
    }

    // ------------------------------------------------------------------ faults

    private long fault(Cpu cpu, int c, int vector, long regs, long cr2) {
        KTask t = k.currentTask(c);
        long cs = km.read64(regs + Layout.PT_CS);
        long rip = km.read64(regs + Layout.PT_RIP);
        boolean ukl = t.kind() == Layout.KIND_UKL;
        // the application's context: CPL 3, or a UKL task's own code (user half of the address space)
        boolean user = (cs & 3) == 3 || ukl && rip >= 0 && rip < Layout.USER_HALF_END;
        if (vector == Layout.VEC_NMI) {
            return Layout.FAULT_RETRY;
        }
        if (vector == Layout.VEC_DF && ukl) {
            // the #DF hack: a UKL task's double fault is a user-stack page fault whose frame could not
            // be pushed onto that very stack (CPL 0: no stack switch)
            doubleFaults.increment();
            if (t.process().space().growStack(cr2)) {
                stackGrowths.increment();
                return Layout.FAULT_RETRY;
            }
        }
        if (vector == Layout.VEC_PF && user && t.process() != null) {
            if (t.process().space().growStack(cr2)) {
                stackGrowths.increment();
                return Layout.FAULT_RETRY;
            }
        }
        if ((user || vector == Layout.VEC_DF && ukl) && t.process() != null) {
            kill(cpu, c, t, Layout.vectorName(vector) + " at 0x" + Long.toHexString(rip) + " (cr2 0x"
                + Long.toHexString(cr2) + ")");
            return Layout.FAULT_KILL;
        }
        String what = vector == Layout.VEC_DF ? "double fault" : "exception " + Layout.vectorName(vector);
        k.report(cpu, "kernel-fault", what + " in kernel mode at 0x" + Long.toHexString(rip) + ", cr2 0x"
            + Long.toHexString(cr2) + ", error 0x" + Long.toHexString(km.read64(regs + Layout.PT_ORIG_RAX)) + " in " + t);
        cpu.forceShutdown("kernel panic: " + what);
        return Layout.FAULT_RETRY;
    }

    private void kill(Cpu cpu, int c, KTask t, String why) {
        tasksKilled.increment();
        t.kill(why);
        if (t.process() != null && t.process().recordExit(t.thread(), null)) {
            t.process().recordMemoryHash(t.process().space().contentHash());
            k.processFinished(t.process(), c);
        }
        sched.exit(t);
        k.needResched(c);
        k.consoleWrite(t, "killed: " + why + "\n");
    }

    private void threadExit(Cpu cpu, int c, long code) {
        KTask t = k.currentTask(c);
        t.exited(code);
        sched.exit(t);
        k.needResched(c);
    }

    // ------------------------------------------------------------------ system calls

    private void syscall(Cpu cpu, int c, long regs) {
        syscalls.increment();
        KTask t = k.currentTask(c);
        if (regs != t.ptRegs()) {
            k.report(cpu, "stack", "a system call's pt_regs at 0x" + Long.toHexString(regs) + " are not at the top of "
                + t + "'s kernel stack (0x" + Long.toHexString(t.ptRegs()) + ")");
            cpu.forceShutdown("pt_regs in the wrong place");
            return;
        }
        PhysicalMemory mem = k.machine().memory();
        long p = t.ptRegsPhys(); // no page walk: the frame is known
        long nr = mem.load(p + Layout.PT_ORIG_RAX, 8);
        long a0 = mem.load(p + Layout.PT_RDI, 8);
        long a1 = mem.load(p + Layout.PT_RSI, 8);
        long a2 = mem.load(p + Layout.PT_RDX, 8);
        long now = cpu.cycles();
        long ret;
        switch ((int) nr) {
            case Layout.SYS_GETPPID -> {
                nullSyscalls.increment();
                ret = 1;
            }
            case Layout.SYS_GETPID -> ret = t.process() == null ? 0 : t.process().pid();
            case Layout.SYS_SCHED_YIELD -> {
                if (sched.yield(c, now)) {
                    k.needResched(c);
                }
                ret = 0;
            }
            case Layout.SYS_NANOSLEEP -> ret = nanosleep(c, t, a0, now);
            case Layout.SYS_FUTEX -> ret = futex(c, t, a0, (int) a1, a2, now);
            case Layout.SYS_EXIT -> {
                t.exited(a0);
                Process proc = t.process();
                if (proc != null) {
                    long[] gprs = new long[15];
                    for (int i = 0; i < 15; i++) {
                        gprs[i] = mem.load(p + 8L * i, 8);
                    }
                    if (proc.recordExit(t.thread(), gprs)) {
                        proc.recordMemoryHash(proc.space().contentHash());
                        k.processFinished(proc, c);
                    }
                }
                sched.exit(t);
                k.needResched(c);
                ret = 0;
            }
            case Layout.SYS_WRITE -> ret = write(t, a0, a1, a2);
            case Layout.SYS_BRK -> ret = t.process() == null ? Layout.ENOSYS : t.process().space().brk(a0);
            default -> ret = Layout.ENOSYS;
        }
        mem.store(p + Layout.PT_RAX, 8, ret);
    }

    private long nanosleep(int c, KTask t, long req, long now) {
        if (t.process() == null) {
            return Layout.EINVAL;
        }
        byte[] ts = new byte[16];
        if (!t.process().space().read(req, ts)) {
            return Layout.EFAULT;
        }
        long sec = java.nio.ByteBuffer.wrap(ts).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0);
        long nsec = java.nio.ByteBuffer.wrap(ts).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(8);
        if (sec < 0 || nsec < 0 || nsec >= 1_000_000_000L) {
            return Layout.EINVAL;
        }
        if (k.config().sequential()) {
            if (sched.yield(c, now)) { // no timer may interrupt a sequential run: a sleep only yields
                k.needResched(c);
            }
            return 0;
        }
        double cyclesPerNs = k.config().cyclesPerSecond() / 1e9;
        long deadline = now + Math.max(1, (long) ((sec * 1e9 + nsec) * cyclesPerNs));
        CpuTimers timer = timers[c];
        long id = timer.seq++;
        timer.queue.add(new long[] {deadline, id});
        timer.owners.put(id, t);
        sched.sleep(t, now);
        k.needResched(c);
        return 0;
    }

    private static long futexKey(KTask t, long uaddr) {
        return ((long) (t.process() == null ? 0 : t.process().pid()) << 48) ^ uaddr;
    }

    private long futex(int c, KTask t, long uaddr, int op, long val, long now) {
        if (t.process() == null) {
            return Layout.EINVAL;
        }
        int cmd = op & ~Layout.FUTEX_PRIVATE;
        long key = futexKey(t, uaddr);
        if (cmd == Layout.FUTEX_WAIT) {
            synchronized (futexQueues) {
                Long cur = t.process().space().load32(uaddr);
                if (cur == null) {
                    return Layout.EFAULT;
                }
                if (cur != (val & 0xFFFFFFFFL)) {
                    return Layout.EAGAIN; // the value changed: no sleep, no lost wakeup
                }
                futexQueues.computeIfAbsent(key, x -> new ArrayList<>()).add(t);
                futexWaits.increment();
                sched.sleep(t, now);
            }
            k.needResched(c);
            return 0;
        }
        if (cmd == Layout.FUTEX_WAKE) {
            List<KTask> woken = new ArrayList<>();
            synchronized (futexQueues) {
                List<KTask> q = futexQueues.get(key);
                while (q != null && !q.isEmpty() && woken.size() < val) {
                    woken.add(q.remove(0));
                }
                if (q != null && q.isEmpty()) {
                    futexQueues.remove(key);
                }
            }
            boolean resched = false;
            for (KTask w : woken) {
                resched |= wake(w, c, now);
            }
            futexWakes.add(woken.size());
            if (resched) {
                k.needResched(c);
            }
            return woken.size();
        }
        return Layout.ENOSYS;
    }

    private long write(KTask t, long fd, long buf, long len) {
        if (t.process() == null || len < 0 || len > 4096) {
            return Layout.EINVAL;
        }
        byte[] b = new byte[(int) len];
        if (!t.process().space().read(buf, b)) {
            return Layout.EFAULT;
        }
        k.consoleWrite(t, new String(b, StandardCharsets.UTF_8));
        return len;
    }

    // ------------------------------------------------------------------ statistics

    public long syscalls() {
        return syscalls.sum();
    }

    public long nullSyscalls() {
        return nullSyscalls.sum();
    }

    public long ticks() {
        return ticks.sum();
    }

    public long deviceIrqs() {
        return deviceIrqs.sum();
    }

    /** Ticks that found a user task inside a system call and asked for a reschedule. */
    public long preemptionsInKernel() {
        return preemptionsInKernel.sum();
    }

    public long futexWakes() {
        return futexWakes.sum();
    }

    public long futexWaits() {
        return futexWaits.sum();
    }

    public long stackGrowths() {
        return stackGrowths.sum();
    }

    /** Double faults of UKL tasks taken by the #DF hack. */
    public long doubleFaults() {
        return doubleFaults.sum();
    }

    /** Tasks preempted inside a system call that resumed it on another CPU. */
    public long migratedInsideSyscalls() {
        return migratedInKernel.sum();
    }

    public long tasksKilled() {
        return tasksKilled.sum();
    }
}
