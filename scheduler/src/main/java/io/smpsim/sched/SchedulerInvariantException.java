package io.smpsim.sched;

/**
 * A scheduler invariant broke (a task on two CPUs, queued twice...). This is a bug in the kernel
 * model or a corrupted run, not a simulated fault: the kernel turns it into a reported violation.
 */
public final class SchedulerInvariantException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SchedulerInvariantException(String message) {
        super(message);
    }
}
