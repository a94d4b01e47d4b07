package io.smpsim.sched;

/**
 * CFS tunables, in simulated cycles (Linux's defaults at 2 GHz: 6 ms latency, 0.75 ms minimum
 * granularity, 1 ms wakeup granularity), and how often to balance.
 *
 * @param latency             the period in which every runnable task should run once
 * @param minGranularity      the shortest slice
 * @param wakeupGranularity   how much smaller a woken task's vruntime must be to preempt
 * @param balanceEveryTicks   periodic load balancing interval
 */
public record SchedParams(long latency, long minGranularity, long wakeupGranularity, int balanceEveryTicks) {
    public static SchedParams defaults() {
        return new SchedParams(12_000_000, 1_500_000, 2_000_000, 4);
    }

    /** Tunables scaled for a tick of {@code tickCycles}: latency 6 ticks, granularities 0.75 and 1 tick. */
    public static SchedParams forTick(long tickCycles) {
        return new SchedParams(6 * tickCycles, Math.max(1, tickCycles * 3 / 4), tickCycles, 4);
    }
}
