package io.smpsim.sched;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fair scheduler in the style of Linux CFS: per-CPU run queues ordered by virtual runtime
 * (weighted by nice level), a periodic tick that ends slices, wakeup preemption, per-CPU wake
 * lists with reschedule IPIs for wakeups on other CPUs, and periodic and idle load balancing that
 * migrates tasks.
 *
 * <p>Every method is called from inside one hypercall of the CPU it names and returns before the
 * hypercall does: locks are never held across a simulated instruction. Lock order: a task's
 * monitor, then run queues by CPU number.
 */
public final class Scheduler {
    /** Sends a reschedule IPI from one CPU to another. */
    @FunctionalInterface
    public interface Kicker {
        void kick(int fromCpu, int toCpu);
    }

    /** Receives the delay from a wakeup to the woken task running, in simulated cycles. */
    @FunctionalInterface
    public interface WakeupLatencySink {
        void record(int cpu, long cycles);
    }

    private volatile WakeupLatencySink latencySink;

    public void setWakeupLatencySink(WakeupLatencySink sink) {
        this.latencySink = sink;
    }

    /** What a wakeup did. */
    public enum WakeResult {
        /** The task was not sleeping. */
        NOT_SLEEPING,
        /** Woken; nothing else to do. */
        WOKEN,
        /** Woken onto the calling CPU, which should reschedule (the woken task deserves the CPU). */
        WOKEN_PREEMPT_LOCAL
    }

    private final RunQueue[] rqs;
    private final SchedParams params;
    private final Kicker kicker;
    private final List<Task> tasks = new CopyOnWriteArrayList<>();
    private final AtomicLong migrations = new AtomicLong();
    private final AtomicLong cpuChanges = new AtomicLong();
    private final AtomicLong wakeupsRemote = new AtomicLong();
    private final AtomicLong wakeupsLocal = new AtomicLong();
    private final AtomicLong wakeupsCrossCpu = new AtomicLong();

    public Scheduler(int cpus, SchedParams params, Kicker kicker) {
        this.params = params;
        this.kicker = kicker;
        rqs = new RunQueue[cpus];
        for (int i = 0; i < cpus; i++) {
            rqs[i] = new RunQueue(i, 4096);
        }
    }

    public int cpus() {
        return rqs.length;
    }

    public SchedParams params() {
        return params;
    }

    /** Installs the idle task of a CPU as its current task (boot). */
    public void setIdle(int cpu, Task idle) {
        if (!idle.isIdle()) {
            throw new IllegalArgumentException(idle + " is not an idle task");
        }
        RunQueue rq = rqs[cpu];
        synchronized (idle) {
            synchronized (rq) {
                rq.idle = idle;
                rq.current = idle;
                idle.state = Task.State.RUNNING;
                idle.onCpu = true;
                idle.cpu = cpu;
            }
        }
    }

    /**
     * Restricts a task to a set of CPUs (bit i: CPU i), like sched_setaffinity. Set it before the
     * task is spawned; wakeups and load balancing respect it.
     */
    public void setAffinity(Task t, long cpus) {
        if ((cpus & ((rqs.length >= 64 ? -1L : (1L << rqs.length) - 1))) == 0) {
            throw new IllegalArgumentException("affinity 0x" + Long.toHexString(cpus) + " names no CPU of "
                + rqs.length);
        }
        synchronized (t) {
            t.allowed = cpus;
        }
    }

    /** A new task becomes runnable on {@code cpu} (it will start through ret_from_fork). */
    public void spawn(Task t, int cpu, long now) {
        tasks.add(t);
        RunQueue rq = rqs[cpu];
        synchronized (t) {
            synchronized (rq) {
                t.state = Task.State.RUNNABLE;
                t.cpu = cpu;
                t.vruntime = rq.minVruntime;
                rq.enqueue(t);
            }
        }
    }

    public List<Task> tasks() {
        return List.copyOf(tasks);
    }

    /** Drops a dead task the kernel has reaped, so long runs keep no trace of every task they ran. */
    public void forget(Task t) {
        if (t.state() != Task.State.DEAD) {
            throw new IllegalStateException(t + " is not dead");
        }
        tasks.remove(t);
    }

    // ------------------------------------------------------------------ accounting

    /** Charges the current task for the time since it last was. Caller holds rq. */
    private void account(RunQueue rq, long now) {
        Task cur = rq.current;
        if (cur == null || cur.isIdle()) {
            return;
        }
        long delta = now - cur.execStart;
        if (delta <= 0) {
            return;
        }
        cur.execStart = now;
        cur.sumExec += delta;
        rq.busy += delta;
        cur.vruntime += delta * NiceWeights.NICE_0 / cur.weight();
        rq.updateMinVruntime();
    }

    /** The slice a task deserves on this queue: its share of the latency period. */
    private long slice(RunQueue rq, Task t) {
        long total = Math.max(rq.totalWeight(), t.weight());
        return Math.max(params.minGranularity(), params.latency() * t.weight() / total);
    }

    /** Places a woken task: keeps its vruntime but gives a sleeper at most half a latency of credit. */
    private void placeWoken(RunQueue rq, Task t) {
        t.vruntime = Math.max(t.vruntime, rq.minVruntime - params.latency() / 2);
    }

    /** Whether a task just queued here should preempt the current task. Caller holds rq. */
    private boolean shouldPreempt(RunQueue rq, Task woken) {
        Task cur = rq.current;
        if (cur == null || cur.isIdle()) {
            return true;
        }
        long gran = params.wakeupGranularity() * NiceWeights.NICE_0 / woken.weight();
        return cur.vruntime - woken.vruntime > gran;
    }

    // ------------------------------------------------------------------ schedule()

    /**
     * {@code schedule()} on {@code cpu}: the previous task goes back on the queue if it is still
     * runnable, the wake list is taken in, and the task with the smallest vruntime is chosen (the
     * idle task if none). Returns the next task, which may be the previous one. When it differs,
     * the previous task stays {@code onCpu} until {@link #finishSwitch}.
     */
    public Task pickNext(int cpu, long now) {
        RunQueue rq = rqs[cpu];
        Task prev = rq.current;
        boolean empty;
        synchronized (prev) {
            synchronized (rq) {
                account(rq, now);
                takeWakeList(rq);
                if (!prev.isIdle() && (prev.state == Task.State.RUNNING || prev.state == Task.State.RUNNABLE)) {
                    if (prev.state == Task.State.RUNNING) {
                        prev.preemptions++;
                    }
                    prev.state = Task.State.RUNNABLE;
                    if (prev.migrateTo < 0) {
                        rq.enqueue(prev);
                    } // else finishSwitch hands it to its new CPU once it is off this one
                }
                empty = rq.timeline.isEmpty();
                if (!empty) {
                    return pickLocked(rq, now);
                }
            }
        }
        // about to idle: try to pull work from the busiest CPU first (needs two queue locks, in order)
        balance(cpu, now, true);
        synchronized (rq) {
            takeWakeList(rq);
            return pickLocked(rq, now);
        }
    }

    private Task pickLocked(RunQueue rq, long now) {
        Task next = rq.timeline.poll();
        if (next != null && next == rq.skip && !rq.timeline.isEmpty()) {
            Task second = rq.timeline.poll();
            rq.timeline.add(next); // sched_yield: prefer anyone else once
            next.queuedOn = rq.cpu;
            next = second;
        }
        rq.skip = null;
        if (next == null) {
            next = rq.idle;
        } else {
            next.queuedOn = -1;
            rq.queuedWeight -= next.weight();
            for (RunQueue other : rqs) {
                if (other != rq && other.current == next) {
                    throw new SchedulerInvariantException(next + " picked on CPU " + rq.cpu + " while current on CPU "
                        + other.cpu);
                }
            }
        }
        Task prev = rq.current;
        if (next != prev) {
            next.switches++;
            rq.switches++;
            if (next.cpu != rq.cpu && next.cpu >= 0 && !next.isIdle()) {
                next.migrations++;
                cpuChanges.incrementAndGet();
            }
        }
        if (next.wokenAt >= 0) {
            WakeupLatencySink sink = latencySink;
            if (sink != null) {
                sink.record(rq.cpu, Math.max(0, now - next.wokenAt));
            }
            next.wokenAt = -1;
        }
        next.state = Task.State.RUNNING;
        next.onCpu = true;
        next.cpu = rq.cpu;
        next.execStart = now;
        next.sliceStart = now;
        rq.current = next;
        rq.updateMinVruntime();
        return next;
    }

    /**
     * After switching away from {@code prev} on {@code cpu} (Linux's finish_task_switch): the
     * previous task may now run elsewhere. If it was woken while switching out, queue it; if it is
     * to migrate, hand it to its new CPU. Returns true when prev is dead: the caller reaps it.
     */
    public boolean finishSwitch(int cpu, Task prev, long now) {
        synchronized (prev) {
            if (prev.state == Task.State.DEAD) {
                // decided here, under its lock: once it is off this CPU a runnable prev may run (and
                // exit) elsewhere at once, so "is it dead?" must not be asked after this returns
                prev.migrateTo = -1;
                prev.onCpu = false;
                return true;
            }
            int target = prev.migrateTo;
            if (target >= 0) {
                prev.migrateTo = -1;
                if (prev.state == Task.State.RUNNABLE && prev.queuedOn < 0 && !prev.onWakeList) {
                    synchronized (rqs[target]) { // off this CPU and onto the target's wake list in one step
                        prev.onCpu = false;
                        prev.onWakeList = true;
                        prev.queuedOn = target;
                        if (!rqs[target].wakeList.offer(prev)) {
                            throw new SchedulerInvariantException("wake list of CPU " + target + " overflowed");
                        }
                    }
                    kicker.kick(cpu, target);
                    return false;
                }
            }
            RunQueue rq = rqs[cpu];
            synchronized (rq) { // leaving the CPU and joining the queue are one step to the invariant check
                prev.onCpu = false;
                if (prev.state == Task.State.RUNNABLE && prev.queuedOn < 0 && !prev.onWakeList && !prev.isIdle()) {
                    placeWoken(rq, prev);
                    rq.enqueue(prev);
                }
            }
            return false;
        }
    }

    /**
     * Forces the task now current on {@code cpu} to move: at its next switch-out it goes to the next
     * CPU it may run on (as the migration thread moves a task in Linux). The caller makes it switch
     * out (need_resched). Returns false if the CPU runs its idle task or the task may run nowhere else.
     */
    public boolean migrateCurrent(int cpu) {
        RunQueue rq = rqs[cpu];
        Task cur;
        synchronized (rq) {
            cur = rq.current;
        }
        if (cur.isIdle()) {
            return false;
        }
        synchronized (cur) {
            if (cur.cpu != cpu || !cur.onCpu) {
                return false; // it moved on meanwhile
            }
            for (int k = 1; k < rqs.length; k++) {
                int target = (cpu + k) % rqs.length;
                if (cur.allowedOn(target)) {
                    cur.migrateTo = target;
                    return true;
                }
            }
        }
        return false;
    }

    /** The task current on {@code cpu}. */
    public Task current(int cpu) {
        RunQueue rq = rqs[cpu];
        synchronized (rq) {
            return rq.current;
        }
    }

    // ------------------------------------------------------------------ tick, yield, sleep, exit

    /** The periodic tick on {@code cpu}: charge the current task; returns true if it should be preempted. */
    public boolean tick(int cpu, long now) {
        RunQueue rq = rqs[cpu];
        boolean resched;
        boolean balanceDue;
        synchronized (rq) {
            account(rq, now);
            takeWakeList(rq);
            Task cur = rq.current;
            rq.ticks++;
            balanceDue = rq.ticks % params.balanceEveryTicks() == 0;
            if (cur.isIdle()) {
                resched = !rq.timeline.isEmpty();
            } else {
                Task left = rq.timeline.peek();
                long ran = now - cur.sliceStart;
                long slice = slice(rq, cur);
                resched = left != null && (ran >= slice || cur.vruntime - left.vruntime > slice);
            }
        }
        if (balanceDue && balance(cpu, now, false)) {
            resched = true;
        }
        return resched;
    }

    /** sched_yield: let any other runnable task of this CPU go first once. */
    public boolean yield(int cpu, long now) {
        RunQueue rq = rqs[cpu];
        synchronized (rq) {
            account(rq, now);
            rq.skip = rq.current;
            return !rq.timeline.isEmpty();
        }
    }

    /** The current task of {@code cpu} goes to sleep (it will call schedule right after). */
    public void sleep(Task current, long now) {
        synchronized (current) {
            if (current.state != Task.State.RUNNING && current.state != Task.State.RUNNABLE) {
                throw new SchedulerInvariantException(current + " sleeps while " + current.state);
            }
            current.state = Task.State.SLEEPING;
            current.sleptAt = now;
        }
    }

    /** The current task exits (it will call schedule right after and never run again). */
    public void exit(Task current) {
        synchronized (current) {
            current.state = Task.State.DEAD;
        }
    }

    // ------------------------------------------------------------------ wakeups

    /**
     * Wakes a sleeping task from {@code fromCpu}. A task still on a CPU is only marked runnable
     * (its own schedule or finishSwitch queues it). Otherwise it is queued directly when the target
     * is this CPU, or put on the target's wake list with a reschedule IPI.
     */
    public WakeResult wake(Task t, int fromCpu, long now) {
        int remote;
        synchronized (t) {
            if (t.state != Task.State.SLEEPING) {
                return WakeResult.NOT_SLEEPING;
            }
            t.wakeups++;
            t.wokenAt = now;
            if (t.cpu >= 0 && t.cpu != fromCpu) {
                wakeupsCrossCpu.incrementAndGet();
            }
            if (t.onCpu) {
                t.state = Task.State.RUNNABLE; // its own finishSwitch queues it
                return WakeResult.WOKEN;
            }
            int target = selectCpu(t, fromCpu);
            RunQueue rq = rqs[target];
            // runnable and queued (or on the wake list) become true together under the target's lock,
            // which the invariant check holds: it never sees a runnable task that is nowhere
            if (target == fromCpu) {
                synchronized (rq) {
                    t.state = Task.State.RUNNABLE;
                    placeWoken(rq, t);
                    rq.enqueue(t);
                    wakeupsLocal.incrementAndGet();
                    return shouldPreempt(rq, t) ? WakeResult.WOKEN_PREEMPT_LOCAL : WakeResult.WOKEN;
                }
            }
            synchronized (rq) {
                t.state = Task.State.RUNNABLE;
                t.onWakeList = true;
                t.queuedOn = target;
                if (!rq.wakeList.offer(t)) {
                    throw new SchedulerInvariantException("wake list of CPU " + target + " overflowed");
                }
            }
            wakeupsRemote.incrementAndGet();
            remote = target;
        }
        kicker.kick(fromCpu, remote);
        return WakeResult.WOKEN;
    }

    /**
     * Among the CPUs the task may use: the previous one if it is idle, else the waking one if it is
     * idle, else the previous one (else the first allowed).
     */
    private int selectCpu(Task t, int fromCpu) {
        int prev = t.cpu < 0 ? fromCpu : t.cpu;
        boolean prevOk = t.allowedOn(prev);
        if (prevOk && idleNow(prev)) {
            return prev;
        }
        if (t.allowedOn(fromCpu) && idleNow(fromCpu)) {
            return fromCpu;
        }
        if (prevOk) {
            return prev;
        }
        return t.allowedOn(fromCpu) ? fromCpu : Long.numberOfTrailingZeros(t.allowed);
    }

    private boolean idleNow(int cpu) {
        RunQueue rq = rqs[cpu];
        synchronized (rq) {
            return rq.current.isIdle() && rq.timeline.isEmpty();
        }
    }

    /** Takes in this CPU's wake list; returns true if a woken task should preempt the current one. */
    public boolean takeWakeList(int cpu) {
        RunQueue rq = rqs[cpu];
        synchronized (rq) {
            return takeWakeList(rq);
        }
    }

    private boolean takeWakeList(RunQueue rq) {
        boolean preempt = false;
        Task t;
        while ((t = rq.wakeList.relaxedPoll()) != null) {
            t.onWakeList = false;
            t.queuedOn = -1;
            placeWoken(rq, t);
            rq.enqueue(t);
            preempt |= shouldPreempt(rq, t);
        }
        return preempt;
    }

    // ------------------------------------------------------------------ load balancing

    /**
     * Pulls tasks to {@code cpu} from the busiest CPU when it has at least two more runnable tasks
     * (half the difference; one if {@code idle}). Tasks still on a CPU are never moved. Returns
     * true if anything was pulled.
     */
    public boolean balance(int cpu, long now, boolean idle) {
        RunQueue self = rqs[cpu];
        RunQueue busiest = null;
        int most = 0;
        for (RunQueue rq : rqs) {
            if (rq == self) {
                continue;
            }
            int nr;
            synchronized (rq) {
                nr = rq.timeline.size();
            }
            if (nr > most) {
                most = nr;
                busiest = rq;
            }
        }
        if (busiest == null) {
            return false;
        }
        RunQueue first = busiest.cpu < self.cpu ? busiest : self;
        RunQueue second = first == busiest ? self : busiest;
        int moved = 0;
        synchronized (first) {
            synchronized (second) {
                int imbalance = busiest.nrRunning() - self.nrRunning();
                int want = idle ? (busiest.timeline.size() > 0 && imbalance >= 1 ? 1 : 0) : imbalance / 2;
                if (want <= 0) {
                    return false;
                }
                List<Task> movable = new ArrayList<>(want);
                for (int i = busiest.timeline.size() - 1; i >= 0 && movable.size() < want; i--) {
                    Task t = busiest.timeline.get(i); // from the heap's tail: tasks that would run last there
                    if (!t.onCpu && t != busiest.skip && t.allowedOn(self.cpu)) {
                        movable.add(t);
                    }
                }
                for (Task t : movable) {
                    busiest.dequeue(t);
                    t.vruntime = t.vruntime - busiest.minVruntime + self.minVruntime;
                    self.enqueue(t);
                    moved++;
                }
                self.migrationsIn += moved;
            }
        }
        migrations.addAndGet(moved);
        return moved > 0;
    }

    // ------------------------------------------------------------------ invariants and statistics

    /**
     * Checks, with every run queue locked, that each task runs on at most one CPU and that each
     * runnable task that is not current sits on exactly one run queue or wake list. Returns the
     * violations found (empty when all hold).
     */
    public List<String> checkInvariants() {
        List<String> problems = new ArrayList<>();
        lockAll(0, problems);
        return problems;
    }

    private void lockAll(int i, List<String> problems) {
        if (i < rqs.length) {
            synchronized (rqs[i]) {
                lockAll(i + 1, problems);
            }
            return;
        }
        for (Task t : tasks) {
            int currentOn = 0;
            int queued = 0;
            for (RunQueue rq : rqs) {
                if (rq.current == t) {
                    currentOn++;
                }
                if (rq.timeline.contains(t)) {
                    queued++;
                }
            }
            if (t.onWakeList) {
                queued++;
            }
            if (currentOn > 1) {
                problems.add(t + " is current on " + currentOn + " CPUs");
            }
            Task.State st = t.state;
            if (st == Task.State.RUNNABLE && currentOn == 0 && queued != 1 && !t.onCpu) {
                problems.add(t + " is runnable but on " + queued + " run queues");
            }
            if ((st == Task.State.SLEEPING || st == Task.State.DEAD) && queued != 0) {
                problems.add(t + " is " + st + " but queued on " + queued + " run queues");
            }
        }
    }

    /** Tasks the load balancer moved. */
    public long migrations() {
        return migrations.get();
    }

    /** Times a task ran on a different CPU than the last time (balancing and wakeup placement). */
    public long taskMigrations() {
        return cpuChanges.get();
    }

    public long remoteWakeups() {
        return wakeupsRemote.get();
    }

    /** Wakeups of a task whose CPU was not the waker's. */
    public long crossCpuWakeups() {
        return wakeupsCrossCpu.get();
    }

    public long localWakeups() {
        return wakeupsLocal.get();
    }

    /** Cycles this CPU spent running tasks other than its idle task, as charged so far. */
    public long busyCycles(int cpu) {
        RunQueue rq = rqs[cpu];
        synchronized (rq) {
            return rq.busy;
        }
    }

    public long switches(int cpu) {
        RunQueue rq = rqs[cpu];
        synchronized (rq) {
            return rq.switches;
        }
    }

    public int runnable(int cpu) {
        RunQueue rq = rqs[cpu];
        synchronized (rq) {
            return rq.nrRunning();
        }
    }
}
