package io.smpsim.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The policy alone, driven from Java as the kernel's hypercalls would drive it: ticks charge the
 * current task, a tick that asks for a reschedule leads to pickNext and finishSwitch.
 */
class SchedulerPolicyTest {
    static final long TICK = 200_000;

    static final class Driver {
        final Scheduler s;
        final long[] now;
        final List<int[]> kicks = new ArrayList<>();

        Driver(int cpus) {
            now = new long[cpus];
            s = new Scheduler(cpus, SchedParams.forTick(TICK), (from, to) -> kicks.add(new int[] {from, to}));
            for (int c = 0; c < cpus; c++) {
                s.setIdle(c, new Task(1000 + c, "idle" + c, 0, true));
            }
        }

        void schedule(int cpu) {
            Task prev = s.current(cpu);
            Task next = s.pickNext(cpu, now[cpu]);
            if (next != prev) {
                s.finishSwitch(cpu, prev, now[cpu]);
            }
        }

        /** Runs every CPU for n ticks, rescheduling when the tick says so. */
        void run(int n) {
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < now.length; c++) {
                    now[c] += TICK;
                    if (s.tick(c, now[c]) || s.current(c).isIdle()) {
                        schedule(c);
                    }
                }
                assertEquals(List.of(), s.checkInvariants());
            }
        }
    }

    @Test
    void aForcedMigrationHandsTheTaskToAnotherCpuOnceItIsOffThisOne() {
        Driver d = new Driver(2);
        Task t = new Task(1, "t", 0, false);
        d.s.spawn(t, 0, 0);
        d.schedule(0);
        assertEquals(t, d.s.current(0));
        assertTrue(d.s.migrateCurrent(0));
        Task next = d.s.pickNext(0, d.now[0] += TICK);
        assertTrue(next.isIdle(), "the migrating task is not queued here again");
        assertEquals(List.of(), d.s.checkInvariants(), "still on CPU 0 until its switch finishes");
        assertEquals(false, d.s.finishSwitch(0, t, d.now[0]));
        assertEquals(1, d.kicks.size(), "CPU 1 is kicked");
        assertEquals(List.of(), d.s.checkInvariants());
        d.s.takeWakeList(1);
        d.schedule(1);
        assertEquals(t, d.s.current(1), "it runs on CPU 1 now");
        assertEquals(1, d.s.taskMigrations());
    }

    @Test
    void aDeadTaskIsReportedDeadByTheSwitchThatTookItOff() {
        Driver d = new Driver(1);
        Task t = new Task(1, "t", 0, false);
        d.s.spawn(t, 0, 0);
        d.schedule(0);
        d.s.exit(t);
        d.s.pickNext(0, d.now[0] += TICK);
        assertTrue(d.s.finishSwitch(0, t, d.now[0]), "the caller must reap it: nothing else will");
        Task u = new Task(2, "u", 0, false);
        d.s.spawn(u, 0, 0);
        d.schedule(0);
        d.s.yield(0, d.now[0]);
        d.s.pickNext(0, d.now[0] += TICK);
        assertEquals(false, d.s.finishSwitch(0, u, d.now[0]), "a live task is not reaped");
    }

    @Test
    void equalWeightsGetEqualTimeWithinFivePercent() {
        Driver d = new Driver(1);
        List<Task> ts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Task t = new Task(i, "t" + i, 0, false);
            ts.add(t);
            d.s.spawn(t, 0, 0);
        }
        d.run(20_000);
        long total = ts.stream().mapToLong(Task::sumExec).sum();
        for (Task t : ts) {
            double share = t.sumExec() / (double) total;
            assertTrue(Math.abs(share - 0.25) / 0.25 < 0.05, t + " got " + share);
        }
    }

    @Test
    void niceFiveGetsTheTableRatioOfNiceZero() {
        Driver d = new Driver(1);
        Task a = new Task(1, "nice0", 0, false);
        Task b = new Task(2, "nice5", 5, false);
        d.s.spawn(a, 0, 0);
        d.s.spawn(b, 0, 0);
        d.run(30_000);
        double ratio = a.sumExec() / (double) b.sumExec();
        double expected = 1024.0 / 335.0;
        assertTrue(Math.abs(ratio - expected) / expected < 0.10, "ratio " + ratio + ", expected " + expected);
    }

    @Test
    void idleCpuPullsWorkFromABusyOne() {
        Driver d = new Driver(2);
        List<Task> ts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Task t = new Task(i, "t" + i, 0, false);
            ts.add(t);
            d.s.spawn(t, 0, 0);
        }
        d.run(500);
        assertTrue(d.s.migrations() >= 3, "migrations " + d.s.migrations());
        long cpu1 = ts.stream().filter(t -> t.cpu() == 1).count();
        assertTrue(cpu1 >= 2 && cpu1 <= 4, "tasks on CPU 1: " + cpu1);
        for (Task t : ts) {
            assertTrue(t.sumExec() > 0, t + " ran");
        }
    }

    @Test
    void remoteWakeupGoesThroughTheWakeListAndAnIpi() {
        Driver d = new Driver(2);
        Task t = new Task(1, "sleeper", 0, false);
        d.s.spawn(t, 1, 0);
        d.schedule(1);
        assertEquals(t, d.s.current(1));
        d.s.sleep(t, 0);
        d.schedule(1);
        assertEquals(Task.State.SLEEPING, t.state());
        // CPU 0 wakes it; CPU 1 is idle, so the task goes back there through the wake list
        assertEquals(Scheduler.WakeResult.WOKEN, d.s.wake(t, 0, 10));
        assertEquals(1, d.kicks.size());
        assertEquals(List.of(0, 1), List.of(d.kicks.get(0)[0], d.kicks.get(0)[1]));
        assertEquals(List.of(), d.s.checkInvariants(), "on the wake list counts as queued");
        assertTrue(d.s.takeWakeList(1), "the woken task preempts the idle task");
        d.schedule(1);
        assertEquals(t, d.s.current(1));
        assertEquals(Scheduler.WakeResult.NOT_SLEEPING, d.s.wake(t, 0, 20));
    }

    @Test
    void wakeupBeforeScheduleIsNotLost() {
        Driver d = new Driver(2);
        Task t = new Task(1, "t", 0, false);
        d.s.spawn(t, 0, 0);
        d.schedule(0);
        d.s.sleep(t, 0);                                    // futex_wait decided to sleep...
        assertEquals(Scheduler.WakeResult.WOKEN, d.s.wake(t, 1, 5)); // ...and is woken before schedule()
        assertTrue(d.kicks.isEmpty(), "still current: only marked runnable");
        d.schedule(0);
        assertEquals(t, d.s.current(0), "it keeps running");
        assertEquals(List.of(), d.s.checkInvariants());
    }
}
