package io.smpsim.machine;

/** The --executor choices. */
public enum ExecutorKind {
    /** One host thread per simulated core: real concurrency, not reproducible. */
    threaded,
    /** One host thread, seeded uniform interleaving: a seed reproduces the run exactly. */
    deterministic,
    /** Deterministic, with PCT-style seeded core priorities and priority change points. */
    pct;

    public Executor create(long seed) {
        return switch (this) {
            case threaded -> new ThreadedExecutor();
            case deterministic -> new DeterministicExecutor(seed);
            case pct -> DeterministicExecutor.pct(seed);
        };
    }

    /** Whether a seed reproduces a run of this kind exactly. */
    public boolean deterministic() {
        return this != threaded;
    }
}
