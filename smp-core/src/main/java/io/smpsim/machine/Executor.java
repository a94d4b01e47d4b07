package io.smpsim.machine;

/** Drives a machine's cores until the run ends. Both executors share the same step code ({@code Cpu.run}). */
public interface Executor {
    RunResult run(Machine machine, RunLimits limits);

    /** The default bound on how far a running core may get ahead of the slowest running core. */
    long DEFAULT_SKEW_WINDOW = 10_000;
}
