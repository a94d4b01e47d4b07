package io.smpsim.trace;

/**
 * A consumer of one core's trace events, called on that core's consumer thread in the order the
 * core published them. The pipeline creates one per core, so consumers need no locks.
 */
public interface TraceConsumer {
    void onEvent(int type, long cycles, long rip, long a, long b);

    /** All events of the core have been delivered (the pipeline is closing). */
    default void finish() {
    }

    /** Makes one consumer per core. */
    @FunctionalInterface
    interface Factory {
        TraceConsumer forCpu(int cpu);
    }
}
