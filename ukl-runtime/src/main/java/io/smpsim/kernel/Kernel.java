package io.smpsim.kernel;

import io.smpsim.apic.ApicBus;
import io.smpsim.apic.X2Apic;
import io.smpsim.asm.Assembler;
import io.smpsim.check.EntryChecker;
import io.smpsim.check.FlightRecorder;
import io.smpsim.check.Violation;
import io.smpsim.cpu.Cpu;
import io.smpsim.isa.ControlRegs;
import io.smpsim.isa.Msr;
import io.smpsim.isa.Reg;
import io.smpsim.kernel.mm.AddressSpace;
import io.smpsim.kernel.mm.KernelMemory;
import io.smpsim.machine.Executor;
import io.smpsim.machine.Machine;
import io.smpsim.machine.RunLimits;
import io.smpsim.machine.RunResult;
import io.smpsim.program.Program;
import io.smpsim.sched.Scheduler;
import io.smpsim.sched.Task;
import io.smpsim.trace.TraceSink;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A simulated machine running the smpsim kernel: builds memory, page tables, per-CPU areas, GDTs,
 * TSSs and the IDT; boots every CPU into the assembly's {@code kernel_boot}; creates tasks; and
 * serves the kernel's hypercalls ({@link Hypercalls}).
 */
public final class Kernel {
    private final KernelConfig config;
    private final Machine machine;
    private final ApicBus apics;
    private final Program image;
    private final KernelMemory km;
    private final Scheduler scheduler;
    private final FlightRecorder recorder;
    private final EntryChecker checker;
    private final long[] percpu;
    private final KTask[] idle;
    /** Tasks by id (the id is in the task struct): an allocation-free lookup for every hypercall. */
    private volatile KTask[] byId = new KTask[256];
    private final List<KTask> tasks = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, long[]> userPrograms = new HashMap<>(); // name -> {phys}
    private final Map<String, Program> userProgramImages = new HashMap<>();
    private final Map<String, String> userProgramSources = new HashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final java.util.ArrayDeque<Integer> freeIds = new java.util.ArrayDeque<>();
    private volatile boolean running;
    private volatile java.util.function.BiConsumer<Process, Integer> processFinished = (p, cpu) -> { };
    private final AtomicInteger nextPid = new AtomicInteger(100);
    private final List<Violation> violations = Collections.synchronizedList(new ArrayList<>());
    private final StringBuilder console = new StringBuilder();
    private final Hypercalls hypercalls;
    private volatile RunLimits limits;

    private Kernel(KernelConfig config, TraceSink trace) {
        this.config = config;
        this.machine = Machine.create(config.cores(), config.memory(), config.costs());
        this.image = Assembler.assemble("kernel", KernelSources.forVariant(config.variant()), Layout.KERNEL_TEXT,
            Map.of(), KernelSources.includes());
        Long entryStart = image.symbols().get("__entry_text_start");
        Long entryEnd = image.symbols().get("__entry_text_end");
        this.checker = new EntryChecker(new CheckerView(), machine.cpus().toArray(new Cpu[0]),
            entryStart == null ? 0 : entryStart, entryEnd == null || entryStart == null ? 0 : entryEnd, trace);
        this.recorder = new FlightRecorder(config.cores(), checker);
        machine.setTraceSink(recorder);
        this.apics = ApicBus.install(machine, recorder);
        machine.load(image, Layout.KERNEL_PHYS);
        this.km = new KernelMemory(machine.memory(), image);
        this.scheduler = new Scheduler(config.cores(), config.schedParams(), this::kick);
        this.percpu = new long[config.cores()];
        this.idle = new KTask[config.cores()];
        this.hypercalls = new Hypercalls(this);
        buildIdt();
        for (int c = 0; c < config.cores(); c++) {
            setUpCpu(c);
        }
        machine.setHypercallHandler(hypercalls);
        for (Cpu cpu : machine.cpus()) {
            cpu.setGsBaseCheck(this::gsBaseValid);
        }
    }

    /** What the entry checker reads of this kernel (task structs, stacks, reports). */
    private final class CheckerView implements EntryChecker.Context {
        @Override
        public long currentTask(int cpu) {
            return pcpuRead(cpu, Layout.PCPU_CURRENT);
        }

        @Override
        public boolean isUkl(long task) {
            return km.read64(task + Layout.TASK_KIND) == Layout.KIND_UKL;
        }

        @Override
        public long inUser(long task) {
            return km.read64(task + Layout.TASK_IN_USER);
        }

        @Override
        public boolean onKernelStack(long task, long rsp) {
            long top = km.read64(task + Layout.TASK_STACK_TOP);
            return rsp <= top && rsp > KernelMemory.kernelStackBottom(top);
        }

        @Override
        public int istOf(int cpu, long rsp) {
            return KernelMemory.istIndex(cpu, rsp);
        }

        @Override
        public String describe(long task) {
            KTask t = task(task);
            return t == null ? "task@0x" + Long.toHexString(task) : t.toString();
        }

        @Override
        public void violation(int cpu, String invariant, String message) {
            Cpu c = machine.cpu(cpu);
            report(c, invariant, message);
            c.forceShutdown(invariant + ": " + message);
        }

        @Override
        public void shutdown(int cpu) {
            if (violations.isEmpty()) { // every forced shutdown is reported first: this one is the CPU's own
                Cpu c = machine.cpu(cpu);
                report(c, "triple-fault", "CPU " + cpu + " shut down: " + c.shutdownReason());
            }
        }
    }

    /** Kernel code reads %gs: only with this CPU's per-CPU area as GS.base. */
    private boolean gsBaseValid(Cpu cpu, long gsBase) {
        if (gsBase == percpu[cpu.id()]) {
            return true;
        }
        report(cpu, "gs-base", "kernel code reads %gs: with GS.base 0x" + Long.toHexString(gsBase) + ", not CPU "
            + cpu.id() + "'s per-CPU area 0x" + Long.toHexString(percpu[cpu.id()]));
        cpu.forceShutdown("GS.base is not the per-CPU area");
        return false;
    }

    /** Builds the machine and its kernel; nothing runs until {@link #run}. */
    public static Kernel create(KernelConfig config, TraceSink trace) {
        return new Kernel(config, trace);
    }

    public static Kernel create(KernelConfig config) {
        return new Kernel(config, TraceSink.NONE);
    }

    // ------------------------------------------------------------------ boot

    private void buildIdt() {
        long idtVa = km.allocateKernelPage();
        long table = image.require("idt_table");
        for (long at = table; ; at += 24) {
            long vector = km.read64(at);
            if (vector == -1) {
                break;
            }
            long handler = km.read64(at + 8);
            long ist = km.read64(at + 16);
            long lo = (handler & 0xFFFF) | ((long) Layout.KERNEL_CS << 16) | ((ist & 7) << 32) | (0x8EL << 40)
                | ((handler >>> 16 & 0xFFFF) << 48);
            long hi = handler >>> 32;
            km.write64(idtVa + vector * 16, lo);
            km.write64(idtVa + vector * 16 + 8, hi);
        }
        long desc = image.require("idt_desc");
        machine.memory().store(km.physical(desc), 2, 256 * 16 - 1);
        machine.memory().store(km.physical(desc) + 2, 8, idtVa);
    }

    private void setUpCpu(int c) {
        long pcpu = km.allocateKernelPage();
        percpu[c] = pcpu;
        long[] ist = km.allocateIstStacks(c);
        KTask idleTask = newTask("idle/" + c, 0, true, Layout.KIND_KERNEL, null, 0, km.root());
        idle[c] = idleTask;
        // TSS
        long tss = pcpu + Layout.PCPU_TSS;
        machine.memory().store(km.physical(tss) + Layout.TSS_RSP0, 8, idleTask.stackTop());
        for (int i = 1; i <= 5; i++) {
            machine.memory().store(km.physical(tss) + Layout.TSS_IST1 + (i - 1) * 8L, 8, ist[i]);
        }
        machine.memory().store(km.physical(tss) + 102, 2, 104); // I/O map base: none
        // GDT with Linux's layout and this CPU's TSS descriptor
        long gdt = pcpu + Layout.PCPU_GDT;
        long[] entries = {0, 0x00cf9b000000ffffL, 0x00af9b000000ffffL, 0x00cf93000000ffffL, 0x00cffb000000ffffL,
            0x00cff3000000ffffL, 0x00affb000000ffffL, 0};
        for (int i = 0; i < entries.length; i++) {
            km.write64(gdt + i * 8L, entries[i]);
        }
        long tssLo = 103 | ((tss & 0xFFFFFFL) << 16) | (0x89L << 40) | (((tss >>> 24) & 0xFF) << 56);
        km.write64(gdt + Layout.TSS_SEL, tssLo);
        km.write64(gdt + Layout.TSS_SEL + 8, tss >>> 32);
        long desc = pcpu + Layout.PCPU_GDT_DESC;
        machine.memory().store(km.physical(desc), 2, 16 * 8 - 1);
        machine.memory().store(km.physical(desc) + 2, 8, gdt);
        // per-CPU fields
        pcpuWrite(c, Layout.PCPU_SELF, pcpu);
        pcpuWrite(c, Layout.PCPU_CPU, c);
        pcpuWrite(c, Layout.PCPU_CURRENT, idleTask.struct());
        pcpuWrite(c, Layout.PCPU_TOP_OF_STACK, idleTask.stackTop());
        pcpuWrite(c, Layout.PCPU_IDLE, idleTask.struct());
        scheduler.setIdle(c, idleTask);
        // the CPU itself: 64-bit mode at CPL 0 in kernel_boot on the idle stack
        Cpu cpu = machine.cpu(c);
        cpu.setCr3(km.root());
        cpu.setCr4(ControlRegs.CR4_PAE | ControlRegs.CR4_FSGSBASE | ControlRegs.CR4_PGE);
        cpu.setEfer(Msr.EFER_LME | Msr.EFER_LMA | Msr.EFER_SCE | Msr.EFER_NXE);
        cpu.setSegments(Layout.KERNEL_CS, Layout.KERNEL_DS);
        cpu.setRflags(0);
        cpu.setReg(Reg.RDI, c);
        cpu.setReg(Reg.RSI, pcpu);
        cpu.setReg(Reg.RSP, idleTask.stackTop());
        if (!cpu.startAt(image.require("kernel_boot"))) {
            throw new IllegalStateException("CPU " + c + " cannot fetch kernel_boot");
        }
    }

    /** Allocates a task struct and kernel stack. */
    private KTask newTask(String name, int nice, boolean isIdle, int kind, Process process, int thread, long cr3) {
        int id;
        synchronized (freeIds) {
            id = freeIds.isEmpty() ? nextId.getAndIncrement() : freeIds.pop(); // ids of reaped tasks are reused
        }
        long struct = km.allocateKernelPage();
        long top = km.allocateKernelStack();
        KTask t = new KTask(id, name, nice, isIdle, kind, struct, top, km.physical(top - Layout.PT_SIZE), process,
            thread);
        km.write64(struct + Layout.TASK_ID, id);
        km.write64(struct + Layout.TASK_STACK_TOP, top);
        km.write64(struct + Layout.TASK_CR3, cr3);
        km.write64(struct + Layout.TASK_KIND, kind);
        synchronized (this) {
            if (id >= byId.length) {
                byId = java.util.Arrays.copyOf(byId, Math.max(id + 1, byId.length * 2));
            }
            byId[id] = t;
        }
        tasks.add(t);
        return t;
    }

    /** The stack a new task's first switch "returns" through: six callee-saved registers and ret_from_fork. */
    private void prepareFirstSwitch(KTask t, long below) {
        long sp = below - 7 * 8;
        for (int i = 0; i < 6; i++) {
            km.write64(sp + i * 8L, 0);
        }
        km.write64(sp + 48, image.require("ret_from_fork"));
        km.write64(t.struct() + Layout.TASK_SP, sp);
    }

    // ------------------------------------------------------------------ creating work

    /** A kernel thread running the kernel function {@code function}(arg) on {@code cpu}. */
    public KTask spawnKernelThread(String name, String function, long arg, int nice, int cpu) {
        KTask t = newTask(name, nice, false, Layout.KIND_KERNEL, null, 0, km.root());
        km.write64(t.struct() + Layout.TASK_ENTRY, image.require(function));
        km.write64(t.struct() + Layout.TASK_ARG, arg);
        prepareFirstSwitch(t, t.stackTop());
        start(t, cpu);
        return t;
    }

    /** Assembles (once) a user program linked at {@link Layout#USER_TEXT} and loads its image. */
    public Program userProgram(String name, String source) {
        return userProgram(name, source, false);
    }

    /**
     * Assembles (once) a program for user tasks ({@code ukl} false: ENTER_KERNEL is syscall) or for
     * UKL tasks (ENTER_KERNEL calls this kernel's ukl_entry_SYSCALL_64), and loads its image.
     */
    public synchronized Program userProgram(String name, String source, boolean ukl) {
        String key = ukl ? name + "@ukl" : name;
        Program p = userProgramImages.get(key);
        if (p != null) {
            return p;
        }
        Map<String, Long> externals = Map.of();
        if (ukl) {
            Long entry = image.symbols().get("ukl_entry_SYSCALL_64");
            if (entry == null) {
                throw new IllegalArgumentException("entry variant " + config.variant() + " has no UKL tasks "
                    + "(no ukl_entry_SYSCALL_64)");
            }
            externals = Map.of("ukl_entry_SYSCALL_64", entry);
        }
        p = Assembler.assemble(key, List.of(new Assembler.Source(name, Layout.userHeader(ukl)),
            new Assembler.Source(name, source)), Layout.USER_TEXT, externals, KernelSources.includes());
        long phys = km.reserveProgram(p.end() - p.textBase());
        machine.load(p, phys);
        userPrograms.put(key, new long[] {phys});
        userProgramImages.put(key, p);
        userProgramSources.put(key, source);
        return p;
    }

    /** The source a loaded user program was assembled from (its name is the program's name). */
    public synchronized String programSource(Program p) {
        return userProgramSources.get(p.name());
    }

    /** Whether this kernel's entry variant runs UKL tasks. */
    public boolean hasUkl() {
        return image.symbols().containsKey("ukl_entry_SYSCALL_64");
    }

    /**
     * A user process running {@code program} at CPL 3 with {@code threads} threads, all starting at
     * {@code entry} with RDI = thread number and RSI = arg. Thread i starts on CPU (cpu + i) mod N.
     */
    public Process spawnProcess(String name, Program program, String entry, int threads, long arg, int nice, int cpu) {
        return spawnProcess(name, program, entry, threads, arg, nice, cpu, false);
    }

    /** As above; with {@code pin}, thread i may run only on its starting CPU (sched_setaffinity). */
    public Process spawnProcess(String name, Program program, String entry, int threads, long arg, int nice, int cpu,
                                boolean pin) {
        return spawn(Layout.KIND_USER, name, program, entry, threads, arg, nice, cpu, pin);
    }

    /**
     * A UKL process: its threads run {@code program} (built with {@code userProgram(.., true)}) at
     * CPL 0 on their own user stacks, entering the kernel with {@code call ukl_entry_SYSCALL_64}.
     */
    public Process spawnUklProcess(String name, Program program, String entry, int threads, long arg, int nice,
                                   int cpu, boolean pin) {
        if (!hasUkl()) {
            throw new IllegalArgumentException("entry variant " + config.variant() + " has no UKL tasks");
        }
        return spawn(Layout.KIND_UKL, name, program, entry, threads, arg, nice, cpu, pin);
    }

    private Process spawn(int kind, String name, Program program, String entry, int threads, long arg, int nice,
                          int cpu, boolean pin) {
        long[] phys = userPrograms.get(program.name());
        if (phys == null) {
            throw new IllegalArgumentException("program " + program.name() + " was not loaded by this kernel");
        }
        boolean ukl = kind == Layout.KIND_UKL;
        AddressSpace space = new AddressSpace(km, program, phys[0]);
        Process p = new Process(nextPid.getAndIncrement(), name, space, program, entry, arg, ukl);
        for (int i = 0; i < threads; i++) {
            KTask t = newTask(name + "/" + i, nice, false, kind, p, i, space.root());
            long stack = space.newStack();
            long regs = t.ptRegs();
            for (int off = 0; off < Layout.PT_SIZE; off += 8) {
                km.write64(regs + off, 0);
            }
            km.write64(regs + Layout.PT_RIP, program.require(entry));
            km.write64(regs + Layout.PT_CS, ukl ? Layout.KERNEL_CS : Layout.USER_CS);
            km.write64(regs + Layout.PT_EFLAGS, 0x202);
            km.write64(regs + Layout.PT_RSP, stack);
            km.write64(regs + Layout.PT_SS, ukl ? Layout.KERNEL_DS : Layout.USER_DS);
            km.write64(regs + Layout.PT_RDI, i);
            km.write64(regs + Layout.PT_RSI, arg);
            km.write64(regs + Layout.PT_ORIG_RAX, -1);
            if (ukl) {
                km.write64(t.struct() + Layout.TASK_IN_USER, 1); // kernel context until ret_from_fork_ukl
            }
            prepareFirstSwitch(t, regs);
            p.add(t);
            int on = (cpu + i) % config.cores();
            if (pin) {
                scheduler.setAffinity(t, 1L << on);
            }
            start(t, on);
        }
        return p;
    }

    private void start(KTask t, int cpu) {
        scheduler.spawn(t, cpu, machine.cpu(cpu).cycles());
        if (running) {
            // spawned during a run (from a hypercall): a reschedule IPI gets an idle CPU to look
            apics.apic(cpu).acceptFixed(Layout.VEC_RESCHEDULE);
        } else {
            pcpuWrite(cpu, Layout.PCPU_NEED_RESCHED, 1);
        }
    }

    /**
     * Called on the CPU where the last thread of a process ended, inside that hypercall: a stress
     * run checks the process against the oracle there and may spawn its successor.
     */
    public void onProcessFinished(java.util.function.BiConsumer<Process, Integer> listener) {
        this.processFinished = listener;
    }

    void processFinished(Process p, int cpu) {
        processFinished.accept(p, cpu);
    }

    // ------------------------------------------------------------------ running

    /** Runs the machine until the limits, a stop, a violation or quiescence. */
    public RunResult run(Executor executor, RunLimits limits) {
        this.limits = limits;
        running = true;
        RunResult r;
        try {
            r = executor.run(machine, limits);
        } finally {
            running = false;
        }
        if (r.outcome() == RunResult.Outcome.ALL_STOPPED && violations.isEmpty()) {
            // every CPU halted with nothing that can wake it: tasks that are still asleep will never
            // run again (a lost wakeup, or a deadlock)
            List<String> stuck = new ArrayList<>();
            for (KTask t : tasks()) {
                if (!t.isIdle() && t.state() == Task.State.SLEEPING) {
                    stuck.add(t.toString());
                }
            }
            if (!stuck.isEmpty()) {
                report(machine.cpu(0), "hung-task", "the machine went idle for good with " + stuck.size()
                    + " task(s) still asleep: " + String.join(", ", stuck.subList(0, Math.min(8, stuck.size())))
                    + " (a lost wakeup or a deadlock)");
            }
        }
        return r;
    }

    /** Reports a violation found outside the kernel's own checks (the oracle) and stops the run. */
    public void reportViolation(int cpu, String invariant, String message) {
        report(machine.cpu(cpu), invariant, message);
    }

    void stopRun(String why) {
        RunLimits l = limits;
        if (l != null) {
            l.requestStop(why);
        }
    }

    void report(Cpu cpu, String invariant, String message) {
        List<String> states = new ArrayList<>();
        Map<Integer, List<String>> last = new HashMap<>();
        for (Cpu c : machine.cpus()) {
            states.add(c.dump().format());
            last.put(c.id(), recorder.recent(c.id(), 32));
        }
        Violation v = new Violation(invariant, cpu.id(), cpu.rip(), cpu.where(), message, cpu.cycles(), states, last);
        violations.add(v);
        stopRun(v.summary());
    }

    // ------------------------------------------------------------------ services for Hypercalls

    void pcpuWrite(int cpu, int offset, long v) {
        machine.memory().store(percpu[cpu] - Layout.DIRECT_MAP + offset, 8, v);
    }

    long pcpuRead(int cpu, int offset) {
        return machine.memory().load(percpu[cpu] - Layout.DIRECT_MAP + offset, 8);
    }

    void needResched(int cpu) {
        pcpuWrite(cpu, Layout.PCPU_NEED_RESCHED, 1);
    }

    /**
     * What a remote wakeup that preempts {@code cpu} does: set its need_resched, then send the
     * reschedule IPI (the flag is visible before the interrupt arrives, as in Linux).
     */
    public void requestReschedule(int cpu) {
        needResched(cpu);
        apics.apic(cpu).acceptFixed(Layout.VEC_RESCHEDULE);
    }

    /**
     * Moves the task current on {@code cpu} to another CPU at its next switch (it is made to switch
     * now): how the stress suite forces a migration at a chosen instruction. False if nothing moved.
     */
    public boolean requestMigration(int cpu) {
        if (machine.cores() < 2 || !scheduler.migrateCurrent(cpu)) {
            return false;
        }
        requestReschedule(cpu);
        return true;
    }

    /** The task whose struct is at {@code struct}, or null. */
    KTask task(long struct) {
        if (struct < Layout.DIRECT_MAP || struct >= Layout.DIRECT_MAP + machine.memory().size()) {
            return null;
        }
        long id = machine.memory().load(struct - Layout.DIRECT_MAP + Layout.TASK_ID, 8);
        KTask[] a = byId;
        KTask t = id > 0 && id < a.length ? a[(int) id] : null;
        return t != null && t.struct() == struct ? t : null;
    }

    KTask currentTask(int cpu) {
        return task(pcpuRead(cpu, Layout.PCPU_CURRENT));
    }

    long percpuArea(int cpu) {
        return percpu[cpu];
    }

    /** Sends a reschedule IPI from one CPU to another (the scheduler's kicker). */
    private void kick(int from, int to) {
        apics.send(apics.apic(from), X2Apic.icr(Layout.VEC_RESCHEDULE, X2Apic.MODE_FIXED, X2Apic.SHORTHAND_NONE, to),
            machine.cpu(from).cycles());
    }

    void kickIdle(int from) {
        for (int c = 0; c < config.cores(); c++) {
            if (c != from && scheduler.runnable(c) == 0 && scheduler.current(c).isIdle()) {
                kick(from, c);
                return;
            }
        }
    }

    synchronized void consoleWrite(KTask t, String text) {
        if (console.length() < (1 << 20)) {
            console.append('[').append(t.name()).append("] ").append(text);
        }
    }

    /** Frees what a dead task owned once nothing runs on its stack. */
    void reap(KTask t) {
        checker.taskDied(t.struct());
        km.freeKernelStack(t.stackTop());
        for (Cpu c : machine.cpus()) {
            c.requestTlbFlush(); // the stack's slot may be reused: no CPU may keep a stale translation
        }
        byId[t.id()] = null;
        km.freeKernelPage(t.struct());
        tasks.remove(t);
        scheduler.forget(t);
        synchronized (freeIds) {
            freeIds.push(t.id());
        }
        Process p = t.process();
        if (p != null && p.threadEnded()) {
            p.space().free();
        }
    }

    // ------------------------------------------------------------------ inspection

    public KernelConfig config() {
        return config;
    }

    public Machine machine() {
        return machine;
    }

    public ApicBus apics() {
        return apics;
    }

    public Program image() {
        return image;
    }

    public KernelMemory memory() {
        return km;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public FlightRecorder recorder() {
        return recorder;
    }

    /** The entry-code invariant checker (and its per-boundary interrupt counts). */
    public EntryChecker checker() {
        return checker;
    }

    public List<KTask> tasks() {
        synchronized (tasks) {
            return List.copyOf(tasks);
        }
    }

    public List<Violation> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    public synchronized String console() {
        return console.toString();
    }

    public Hypercalls hypercalls() {
        return hypercalls;
    }

    /** True when every task that is not an idle task has exited. */
    public boolean allExited() {
        for (KTask t : tasks()) {
            if (!t.isIdle() && t.state() != Task.State.DEAD) {
                return false;
            }
        }
        return true;
    }
}
