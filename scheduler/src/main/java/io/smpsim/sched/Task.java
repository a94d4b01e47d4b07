package io.smpsim.sched;

/**
 * The scheduler's view of a task. Which lock guards a field depends on where the task is: while
 * queued on a run queue, that queue's lock; while current on a CPU, that CPU (and the task's own
 * monitor for the state transitions a wakeup races with); while sleeping, the task's monitor.
 */
public class Task {
    public enum State { RUNNING, RUNNABLE, SLEEPING, DEAD }

    private final int id;
    private final String name;
    private final boolean idle;
    private int nice;
    private long weight;

    State state;
    /** Set from the pick until the CPU has switched away from the task's stack. */
    boolean onCpu;
    /** The CPU the task runs (or last ran) on. */
    int cpu = -1;
    /** The run queue (or wake list) the task is on, or -1. */
    int queuedOn = -1;
    boolean onWakeList;
    /** Set by a forced migration: at its next switch-out the task goes to this CPU's wake list (-1: none). */
    int migrateTo = -1;
    /** Position in its run queue's heap, or -1. */
    int heapIndex = -1;
    /** CPUs the task may run on (bit i: CPU i), as sched_setaffinity sets it. */
    long allowed = -1L;

    long vruntime;
    long sumExec;
    long execStart;
    long sliceStart;
    long sleptAt;
    /** Cycle count (the waker's clock) of the wakeup not yet followed by a pick; -1 if none. */
    long wokenAt = -1;

    long switches;
    long migrations;
    long wakeups;
    long preemptions;

    public Task(int id, String name, int nice, boolean idle) {
        this.id = id;
        this.name = name;
        this.idle = idle;
        setNice(nice);
        this.state = State.SLEEPING;
    }

    public final int id() {
        return id;
    }

    public final String name() {
        return name;
    }

    public final boolean isIdle() {
        return idle;
    }

    public final int nice() {
        return nice;
    }

    public final long weight() {
        return weight;
    }

    final void setNice(int n) {
        this.nice = n;
        this.weight = NiceWeights.weight(n);
    }

    public final synchronized State state() {
        return state;
    }

    public final synchronized int cpu() {
        return cpu;
    }

    /** CPU time used so far, in cycles. */
    public final synchronized long sumExec() {
        return sumExec;
    }

    public final synchronized long vruntime() {
        return vruntime;
    }

    public final synchronized long migrations() {
        return migrations;
    }

    public final synchronized long switches() {
        return switches;
    }

    public final synchronized long preemptions() {
        return preemptions;
    }

    public final synchronized long allowedCpus() {
        return allowed;
    }

    final boolean allowedOn(int cpu) {
        return (allowed & (1L << cpu)) != 0;
    }

    public final synchronized long wakeups() {
        return wakeups;
    }

    /** Cycle count when the task went to sleep (for the hung-task watchdog). */
    public final synchronized long sleptAt() {
        return sleptAt;
    }

    @Override
    public String toString() {
        return "task " + id + " (" + name + ")";
    }
}
