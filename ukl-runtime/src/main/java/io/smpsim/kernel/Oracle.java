package io.smpsim.kernel;

import io.smpsim.machine.DeterministicExecutor;
import io.smpsim.machine.RunLimits;
import io.smpsim.program.Program;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The oracle of DESIGN 9: what a process must end with is what it ends with in a sequential run —
 * the same variant, program, thread count and argument on one CPU with no interrupt at all (no tick,
 * no device, sleeps that only yield). Compared: every thread's exit code, its registers at exit (all but RAX, RCX and R11,
 * which the system call itself defines) and a hash of the process's data, bss and heap.
 * References are computed once per shape and cached.
 */
public final class Oracle {
    private Oracle() {}

    /** pt_regs indices of the registers the comparison leaves out: r11, rax, rcx. */
    private static final int[] SKIPPED = {6, 10, 11};
    private static final String[] NAMES = {"r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8", "rax",
        "rcx", "rdx", "rsi", "rdi"};

    /** The variant broke an invariant in the sequential run itself: no concurrency needed to show it. */
    public static final class SequentialViolation extends RuntimeException {
        private final transient io.smpsim.check.Violation violation;

        SequentialViolation(io.smpsim.check.Violation v) {
            super("the sequential run (one CPU, no interrupts) broke an invariant: " + v.summary());
            // the same violation, saying where it was seen: no SMP run was needed to find it
            this.violation = new io.smpsim.check.Violation(v.invariant(), v.cpu(), v.rip(), v.where(),
                "in the oracle's sequential run (one CPU, no interrupts): " + v.message(), v.cycles(), v.cpuStates(),
                v.lastEvents());
        }

        public io.smpsim.check.Violation violation() {
            return violation;
        }
    }

    /** A sequential run's results. */
    public record Reference(long[] exitCodes, long[][] exitRegs, boolean[] killed, long memoryHash) {}

    private static final Map<String, Reference> CACHE = new ConcurrentHashMap<>();

    /** The reference for a process of {@code k}'s variant (computed on first use). */
    public static Reference reference(Kernel k, Process p) {
        return reference(k, p.program(), p.ukl(), p.entry(), p.threads().size(), p.arg());
    }

    /** The reference for a process that {@code k} would start this way (computed on first use). */
    public static Reference reference(Kernel k, Program prog, boolean ukl, String entry, int threads, long arg) {
        String source = k.programSource(prog);
        String name = prog.name().endsWith("@ukl") ? prog.name().substring(0, prog.name().length() - 4) : prog.name();
        String key = k.config().variant() + '\0' + name + '\0' + ukl + '\0' + threads + '\0' + arg + '\0' + entry
            + '\0' + source.hashCode();
        return CACHE.computeIfAbsent(key, x -> compute(k.config(), name, source, ukl, entry, threads, arg));
    }

    private static Reference compute(KernelConfig config, String name, String source, boolean ukl, String entry,
                                     int threads, long arg) {
        long memory = Math.max(64L << 20, (48L << 20) + threads * (1L << 20)); // the machine's memory costs time to zero
        Kernel ref = Kernel.create(config.withCores(1).withSequential(true).withMemory(memory));
        Program prog = ref.userProgram(name, source, ukl);
        Process p = ukl ? ref.spawnUklProcess(name, prog, entry, threads, arg, 0, 0, false)
            : ref.spawnProcess(name, prog, entry, threads, arg, 0, 0);
        // a generous instruction budget: an entry variant that livelocks must not hang the caller
        long work = threads * Math.min(Math.max(arg, 1), 1L << 30);
        long budget = Math.max(500_000_000L, Math.min(work, Long.MAX_VALUE / 100_000) * 100_000);
        ref.run(new DeterministicExecutor(0), new RunLimits(budget, 0));
        if (ref.violations().isEmpty() && !p.finished()) {
            ref.reportViolation(0, "sequential-hang", name + " did not finish within " + budget
                + " instructions on one CPU without interrupts (a livelock in the entry code?)");
        }
        if (!ref.violations().isEmpty()) {
            throw new SequentialViolation(ref.violations().get(0));
        }
        if (!p.finished()) {
            throw new IllegalStateException("the oracle's sequential run of " + name + " under " + config.variant()
                + " did not finish");
        }
        long[] codes = new long[threads];
        long[][] regs = new long[threads][];
        boolean[] killed = new boolean[threads];
        for (int i = 0; i < threads; i++) {
            KTask t = p.threads().get(i);
            codes[i] = t.exitCode();
            regs[i] = p.exitRegs(i);
            killed[i] = t.killed();
        }
        return new Reference(codes, regs, killed, p.memoryHash());
    }

    /** Compares a finished process with its reference: the differences, empty when it matches. */
    public static List<String> compare(Kernel k, Process p) {
        Reference ref = reference(k, p);
        List<String> diffs = new ArrayList<>();
        List<KTask> threads = p.threads();
        for (int i = 0; i < threads.size(); i++) {
            KTask t = threads.get(i);
            if (t.killed() != ref.killed()[i]) {
                diffs.add(t + (t.killed() ? " was killed (" + t.killReason() + ")" : " was not killed")
                    + ", sequentially " + (ref.killed()[i] ? "it was" : "it was not"));
                continue;
            }
            if (t.exitCode() != ref.exitCodes()[i]) {
                diffs.add(t + " exited with 0x" + Long.toHexString(t.exitCode()) + ", sequentially 0x"
                    + Long.toHexString(ref.exitCodes()[i]));
            }
            long[] regs = p.exitRegs(i);
            long[] want = ref.exitRegs()[i];
            if (regs == null || want == null) {
                continue;
            }
            for (int r = 0; r < regs.length; r++) {
                if (regs[r] != want[r] && !skipped(r)) {
                    diffs.add(t + " exited with %" + NAMES[r] + " = 0x" + Long.toHexString(regs[r]) + ", sequentially 0x"
                        + Long.toHexString(want[r]));
                }
            }
        }
        if (p.memoryHash() != ref.memoryHash()) {
            diffs.add(p.name() + "'s memory (data, bss, heap) differs from the sequential run's");
        }
        return diffs;
    }

    private static boolean skipped(int r) {
        for (int s : SKIPPED) {
            if (s == r) {
                return true;
            }
        }
        return false;
    }
}
