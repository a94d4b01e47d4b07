package io.smpsim.suite;

import io.smpsim.machine.ExecutorKind;

/**
 * One stress run: a variant under load on a number of cores, with external interrupts at a seeded
 * rate and (optionally) events injected at the instruction boundaries of the entry code.
 *
 * @param variant           a shipped variant or mutant, or a path to an entry .S file
 * @param cores             simulated CPUs
 * @param tasks             application threads alive at any time (processes of up to
 *                          {@code threadsPerProcess} threads each; a finished process is checked
 *                          against the oracle and replaced while the budget lasts)
 * @param threadsPerProcess threads per process (1..64)
 * @param userShare         with a UKL variant, the share of processes that are normal user processes
 *                          (CPL 3, syscall), so that both kinds of entry run side by side
 * @param iterations        iterations of the stress application per thread and process
 * @param syscalls          stop replacing processes after this many system calls (0: no such budget)
 * @param seconds           stop replacing processes after this much host time (0: none)
 * @param seed              seeds the executor's interleaving, the interrupt sources and the injector
 * @param executor          threaded (one host thread per CPU) or deterministic
 * @param irqRate           device interrupts per simulated second per CPU (0: none)
 * @param hz                the scheduler tick
 * @param inject            events injected at entry-code boundaries
 * @param maxCycles         a hard limit in simulated cycles (0: none); replays use it
 */
public record StressConfig(String variant, int cores, int tasks, int threadsPerProcess, double userShare,
                           long iterations, long syscalls,
                           double seconds, long seed, ExecutorKind executor, double irqRate, int hz, Injection inject,
                           long maxCycles) {
    public StressConfig {
        require(cores >= 1 && cores <= 64, "--cores must be 1..64, not " + cores);
        require(tasks >= 1 && tasks <= 4096, "--tasks must be 1..4096, not " + tasks);
        require(threadsPerProcess >= 1 && threadsPerProcess <= 64, "threads per process must be 1..64, not "
            + threadsPerProcess);
        require(iterations >= 1, "iterations must be positive, not " + iterations);
        require(userShare >= 0 && userShare <= 1, "the user-process share must be 0..1, not " + userShare);
        require(syscalls >= 0, "--syscalls must not be negative");
        require(seconds >= 0, "--seconds must not be negative");
        require(irqRate >= 0 && irqRate <= 10_000_000, "--irq-rate must be 0..10000000 per second, not " + irqRate);
        require(hz >= 10 && hz <= 1_000_000, "--hz must be 10..1000000, not " + hz);
        require(maxCycles >= 0, "max cycles must not be negative");
        if (inject == null) {
            inject = Injection.NONE;
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** What `smpsim stress` runs with no options: 30 s of ukl-rfc on 4 cores, 32 tasks. */
    public static StressConfig defaults() {
        return new StressConfig("ukl-rfc", 4, 32, 8, 0.25, 2_000, 0, 30, 1, ExecutorKind.threaded, 100_000, 10_000,
            Injection.DEFAULT, 0);
    }

    /** Events injected at the instruction boundaries of the entry text (__entry_text_start..end). */
    public record Injection(double probability, boolean interrupts, boolean nmis, boolean ipis, boolean migrations,
                            int quota) {
        public static final Injection NONE = new Injection(0, false, false, false, false, 0);
        /**
         * One visit in 64 of an entry-code boundary gets an interrupt, an NMI, a reschedule IPI or a
         * forced migration of the current task.
         */
        public static final Injection DEFAULT = new Injection(1.0 / 64, true, true, true, true, 0);

        public Injection {
            if (probability < 0 || probability > 1) {
                throw new IllegalArgumentException("injection probability must be 0..1, not " + probability);
            }
            if (quota < 0) {
                throw new IllegalArgumentException("injection quota must not be negative");
            }
        }

        /** Every boundary gets an event at each of its first {@code quota} visits (a sweep). */
        public static Injection sweep(int quota, boolean interrupts, boolean nmis, boolean ipis, boolean migrations) {
            return new Injection(1, interrupts, nmis, ipis, migrations, quota);
        }

        public boolean enabled() {
            return probability > 0 && (interrupts || nmis || ipis || migrations);
        }
    }

    public StressConfig withVariant(String v) {
        return new StressConfig(v, cores, tasks, threadsPerProcess, userShare, iterations, syscalls, seconds, seed, executor,
            irqRate, hz, inject, maxCycles);
    }

    public StressConfig withSeed(long s) {
        return new StressConfig(variant, cores, tasks, threadsPerProcess, userShare, iterations, syscalls, seconds, s, executor,
            irqRate, hz, inject, maxCycles);
    }

    public StressConfig withExecutor(ExecutorKind e) {
        return new StressConfig(variant, cores, tasks, threadsPerProcess, userShare, iterations, syscalls, seconds, seed, e,
            irqRate, hz, inject, maxCycles);
    }

    public StressConfig withBudget(long syscallBudget, double secondsBudget) {
        return new StressConfig(variant, cores, tasks, threadsPerProcess, userShare, iterations, syscallBudget, secondsBudget, seed,
            executor, irqRate, hz, inject, maxCycles);
    }

    public StressConfig withInjection(Injection i) {
        return new StressConfig(variant, cores, tasks, threadsPerProcess, userShare, iterations, syscalls, seconds, seed, executor,
            irqRate, hz, i, maxCycles);
    }

    public StressConfig withMaxCycles(long c) {
        return new StressConfig(variant, cores, tasks, threadsPerProcess, userShare, iterations, syscalls, seconds, seed, executor,
            irqRate, hz, inject, c);
    }

    public StressConfig withLoad(int cores, int tasks, int threadsPerProcess, long iterations) {
        return new StressConfig(variant, cores, tasks, threadsPerProcess, userShare, iterations, syscalls, seconds, seed, executor,
            irqRate, hz, inject, maxCycles);
    }

    public StressConfig withUserShare(double share) {
        return new StressConfig(variant, cores, tasks, threadsPerProcess, share, iterations, syscalls, seconds, seed,
            executor, irqRate, hz, inject, maxCycles);
    }

    public StressConfig withInterrupts(double rate, int tickHz) {
        return new StressConfig(variant, cores, tasks, threadsPerProcess, userShare, iterations, syscalls, seconds, seed, executor,
            rate, tickHz, inject, maxCycles);
    }
}
