package io.smpsim.cli;

import io.smpsim.machine.DeterministicExecutor;
import io.smpsim.machine.Executor;
import io.smpsim.machine.ThreadedExecutor;

/** The --executor choices. */
public enum ExecutorKind {
    threaded,
    deterministic;

    public Executor create(long seed) {
        return this == threaded ? new ThreadedExecutor() : new DeterministicExecutor(seed);
    }
}
