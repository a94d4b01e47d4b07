package io.smpsim.sched;

import org.jctools.queues.MpscArrayQueue;

/** One CPU's run queue: the CFS timeline, the current and idle tasks, and the wake list. Guarded by itself. */
final class RunQueue {
    final int cpu;
    final VruntimeHeap timeline = new VruntimeHeap();
    /** Wakeups from other CPUs wait here until this CPU takes them (in its reschedule IPI or its next pick). */
    final MpscArrayQueue<Task> wakeList;
    Task current;
    Task idle;
    Task skip;
    long minVruntime;
    long queuedWeight;
    int ticks;
    long switches;
    /** Cycles charged to tasks other than the idle task (utilisation). */
    long busy;
    long migrationsIn;

    RunQueue(int cpu, int capacity) {
        this.cpu = cpu;
        this.wakeList = new MpscArrayQueue<>(capacity);
    }

    /** Tasks that want this CPU: the queued ones and a non-idle current. */
    int nrRunning() {
        return timeline.size() + (current != null && !current.isIdle() && current.state == Task.State.RUNNING ? 1 : 0);
    }

    long totalWeight() {
        return queuedWeight + (current != null && !current.isIdle() ? current.weight() : 0);
    }

    void enqueue(Task t) {
        t.queuedOn = cpu;
        timeline.add(t);
        queuedWeight += t.weight();
    }

    void dequeue(Task t) {
        timeline.remove(t);
        t.queuedOn = -1;
        queuedWeight -= t.weight();
    }

    /** min_vruntime only moves forward, toward the smallest of the current and the leftmost task. */
    void updateMinVruntime() {
        long v = Long.MAX_VALUE;
        if (current != null && !current.isIdle() && current.state == Task.State.RUNNING) {
            v = current.vruntime;
        }
        Task left = timeline.peek();
        if (left != null) {
            v = Math.min(v, left.vruntime);
        }
        if (v != Long.MAX_VALUE && v > minVruntime) {
            minVruntime = v;
        }
    }
}
