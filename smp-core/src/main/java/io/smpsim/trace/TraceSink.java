package io.smpsim.trace;

/**
 * Receives the trace events a core emits at its slow paths (never per instruction). Implementations
 * must not block the core for long and must not allocate per event on the hot side.
 */
public interface TraceSink {
    /**
     * @param cpu    the core
     * @param type   a {@link TraceEvent} type
     * @param cycles the core's cycle count
     * @param rip    the instruction the event belongs to
     * @param a      first payload (vector, syscall number, target...)
     * @param b      second payload (error code, result...)
     */
    void event(int cpu, int type, long cycles, long rip, long a, long b);

    TraceSink NONE = (cpu, type, cycles, rip, a, b) -> { };
}
