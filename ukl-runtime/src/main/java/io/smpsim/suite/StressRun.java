package io.smpsim.suite;

import io.smpsim.check.Violation;
import io.smpsim.cpu.Cpu;
import io.smpsim.kernel.Kernel;
import io.smpsim.kernel.KernelConfig;
import io.smpsim.kernel.Layout;
import io.smpsim.kernel.Oracle;
import io.smpsim.kernel.Process;
import io.smpsim.kernel.Workloads;
import io.smpsim.machine.RunLimits;
import io.smpsim.machine.RunResult;
import io.smpsim.program.Program;
import io.smpsim.trace.TraceSink;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * A stress run (DESIGN 8-9): the stress application in processes of UKL tasks (normal user tasks
 * for a variant without UKL) on every CPU, device interrupts from a seeded storm, events injected
 * at entry-code boundaries, every invariant checked as the run goes, and every process that ends
 * compared with its sequential run (the oracle) and replaced while the budget lasts. The run stops
 * at the first violation, at the end of its budget (once the processes in flight have finished), at
 * its cycle limit, or when asked to ({@link #stop}).
 */
public final class StressRun {
    /** The longest latency the histograms hold, in cycles (values above are clamped). */
    public static final long MAX_LATENCY = 1L << 40;
    private static final String DRAINED = "drained";

    private final StressConfig config;
    private final Kernel kernel;
    private final Program program;
    private final Program userProgram;
    private final BoundaryInjector injector;
    private final Histogram[] wakeupLatency;
    private final RunLimits limits;
    private final AtomicLong processesChecked = new AtomicLong();
    private final AtomicLong processesStarted = new AtomicLong();
    private final AtomicLong processesFinished = new AtomicLong();
    private final Object spawnLock = new Object();
    private volatile long deadlineNanos = Long.MAX_VALUE;
    private volatile long drainedAtSyscalls = -1;
    private volatile long startNanos;
    /** A violation the variant shows even in the oracle's sequential run (then nothing else runs). */
    private final Violation sequentialViolation;

    public StressRun(StressConfig config) {
        this(config, TraceSink.NONE);
    }

    /** Builds the machine, kernel, workload and interrupt sources; nothing runs until {@link #run}. */
    public StressRun(StressConfig config, TraceSink trace) {
        this.config = config;
        // 48 MiB of kernel image, program images and headroom, then up to ~600 KiB per task (its kernel
        // stack, page tables, data and the stress application's stack of at most 512 KiB)
        long memory = ((48L << 20) + config.tasks() * (640L << 10) + (16L << 20) + 0x1FFFFF) & ~0x1FFFFFL;
        KernelConfig kc = KernelConfig.defaults(config.cores()).withVariant(config.variant()).withHz(config.hz())
            .withMemory(memory);
        this.kernel = Kernel.create(kc, trace);
        this.userProgram = Workloads.program(kernel, "stressmix");
        this.program = kernel.hasUkl() ? Workloads.uklProgram(kernel, "stressmix") : userProgram;
        this.limits = new RunLimits(0, config.maxCycles());
        if (config.irqRate() > 0) {
            int[] all = new int[config.cores()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            kernel.apics().routeStorm(all, Layout.VEC_DEVICE, config.irqRate(), kc.cyclesPerSecond(), config.seed());
        }
        this.injector = new BoundaryInjector(kernel, config.inject(), config.seed());
        this.wakeupLatency = new Histogram[config.cores()];
        for (int c = 0; c < config.cores(); c++) {
            wakeupLatency[c] = new Histogram(MAX_LATENCY, 2);
        }
        kernel.scheduler().setWakeupLatencySink((cpu, cycles) -> {
            Histogram h = wakeupLatency[cpu];
            synchronized (h) { // uncontended but for a snapshot being taken
                h.recordValue(Math.min(cycles, MAX_LATENCY));
            }
        });
        kernel.onProcessFinished(this::finished);
        int remaining = config.tasks();
        int index = 0;
        Violation sequential = null;
        while (remaining > 0) {
            int threads = Math.min(config.threadsPerProcess(), remaining);
            spawn(threads, index % config.cores());
            try {
                // both kinds of process for this shape, computed now rather than inside a hypercall
                checkReference(Oracle.reference(kernel, program, kernel.hasUkl(), "_start", threads, config.iterations()));
                checkReference(Oracle.reference(kernel, userProgram, false, "_start", threads, config.iterations()));
            } catch (Oracle.SequentialViolation e) {
                sequential = e.violation();
            }
            remaining -= threads;
            index++;
        }
        this.sequentialViolation = sequential;
    }

    private static void checkReference(Oracle.Reference ref) {
        for (boolean killed : ref.killed()) {
            if (killed) {
                throw new IllegalStateException("the stress application was killed in its sequential run");
            }
        }
    }

    /** Starts process number n (counting from 1): a UKL one, or a normal user one for its share. */
    private Process spawn(int threads, int cpu) {
        long n = processesStarted.incrementAndGet();
        String name = "stress" + n;
        boolean user = !kernel.hasUkl() || Math.floor(n * config.userShare()) > Math.floor((n - 1) * config.userShare());
        return user ? kernel.spawnProcess(name, userProgram, "_start", threads, config.iterations(), 0, cpu)
            : kernel.spawnUklProcess(name, program, "_start", threads, config.iterations(), 0, cpu, false);
    }

    /** A process ended (on {@code cpu}, inside its hypercall): check it, and replace it unless draining. */
    private void finished(Process p, int cpu) {
        List<String> diffs = Oracle.compare(kernel, p);
        processesChecked.incrementAndGet();
        if (!diffs.isEmpty()) {
            processesFinished.incrementAndGet();
            kernel.reportViolation(cpu, "oracle", p.name() + " does not match its sequential run: "
                + String.join("; ", diffs.subList(0, Math.min(6, diffs.size()))));
            return;
        }
        synchronized (spawnLock) { // the replacement, or the end of the drain, decided with the count exact
            long done = processesFinished.incrementAndGet();
            if (!draining()) {
                spawn(p.threads().size(), (int) (processesStarted.get() % config.cores()));
            } else if (done == processesStarted.get()) {
                // interrupts never let the machine go quiet, so the end of the drain is noticed here
                limits.requestStop(DRAINED);
            }
        }
    }

    /** True once the budget is spent: processes in flight finish, none is started. */
    public boolean draining() {
        if (limits.stopRequested()) {
            return true;
        }
        long sys = kernel.hypercalls().syscalls();
        boolean over = config.syscalls() > 0 && sys >= config.syscalls() || System.nanoTime() >= deadlineNanos;
        if (over && drainedAtSyscalls < 0) {
            drainedAtSyscalls = sys;
        }
        return over;
    }

    /** Runs to the end of the budget (or the first violation, or a stop); returns what it found. */
    public StressResult run() {
        startNanos = System.nanoTime();
        if (sequentialViolation != null) {
            return result(new RunResult(RunResult.Outcome.STOPPED, 0, 0, 0), StressResult.Ending.VIOLATION);
        }
        if (config.seconds() > 0) {
            deadlineNanos = startNanos + (long) (config.seconds() * 1e9);
            // a stuck drain still ends: the processes in flight get as long again as the budget itself
            Thread hard = Thread.ofPlatform().daemon().name("smpsim-deadline").start(() -> {
                try {
                    Thread.sleep((long) (config.seconds() * 2000) + 5_000);
                    limits.requestStop("time budget exceeded while draining");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            RunResult r = runKernel();
            hard.interrupt();
            return result(r, ending(r));
        }
        RunResult r = runKernel();
        return result(r, ending(r));
    }

    private StressResult.Ending ending(RunResult r) {
        if (!kernel.violations().isEmpty()) {
            return StressResult.Ending.VIOLATION;
        }
        return switch (r.outcome()) {
            case CYCLE_LIMIT, INSTRUCTION_LIMIT -> StressResult.Ending.CYCLE_LIMIT;
            case STOPPED -> DRAINED.equals(limits.stopReason()) ? StressResult.Ending.DRAINED : StressResult.Ending.STOPPED;
            // every CPU went quiet (no storm): drained if every process was checked
            case ALL_STOPPED -> processesFinished.get() == processesStarted.get() ? StressResult.Ending.DRAINED
                : StressResult.Ending.STOPPED;
        };
    }

    /** Why the run was stopped from outside, or null. */
    public String stopReason() {
        return limits.stopReason();
    }

    private RunResult runKernel() {
        return kernel.run(config.executor().create(config.seed()), limits);
    }

    /** Asks the run to stop at the next quantum boundary (Ctrl-C, SIGTERM). */
    public void stop(String why) {
        limits.requestStop(why);
    }

    /** A snapshot of the counters while the run goes (progress lines, periodic reports). */
    public StressResult snapshot() {
        long cycles = 0;
        long insns = 0;
        for (Cpu c : kernel.machine().cpus()) {
            cycles = Math.max(cycles, c.cycles());
            insns += c.retired();
        }
        RunResult r = new RunResult(RunResult.Outcome.STOPPED, insns, cycles, (System.nanoTime() - startNanos) / 1e9);
        return result(r, StressResult.Ending.RUNNING);
    }

    private StressResult result(RunResult r, StressResult.Ending ending) {
        long interrupts = 0;
        long exceptions = 0;
        long switches = 0;
        for (Cpu c : kernel.machine().cpus()) {
            interrupts += c.interruptsTaken();
            exceptions += c.exceptionsTaken();
            switches += kernel.scheduler().switches(c.id());
        }
        Histogram wake = new Histogram(MAX_LATENCY, 2);
        for (Histogram h : wakeupLatency) {
            synchronized (h) {
                wake.add(h);
            }
        }
        List<Violation> violations = sequentialViolation != null ? List.of(sequentialViolation) : kernel.violations();
        return new StressResult(config, ending, r.instructions(), r.cycles(), r.hostSeconds(),
            kernel.hypercalls().syscalls(), interrupts, exceptions, switches, kernel.scheduler().taskMigrations(),
            kernel.hypercalls().doubleFaults(), kernel.hypercalls().stackGrowths(), processesChecked.get(),
            injector.total(), drainedAtSyscalls, wake, violations, Coverage.of(kernel, injector));
    }

    public Kernel kernel() {
        return kernel;
    }

    public BoundaryInjector injector() {
        return injector;
    }

    public StressConfig config() {
        return config;
    }
}
