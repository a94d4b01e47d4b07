package io.smpsim.machine;

/** The --executor choices. */
public enum ExecutorKind {
    threaded,
    deterministic;

    public Executor create(long seed) {
        return this == threaded ? new ThreadedExecutor() : new DeterministicExecutor(seed);
    }
}
