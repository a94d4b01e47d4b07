package io.smpsim.sched;

/** Linux's nice-to-weight table (kernel/sched/core.c, sched_prio_to_weight): nice 0 is 1024. */
public final class NiceWeights {
    private NiceWeights() {}

    public static final long NICE_0 = 1024;

    private static final long[] WEIGHTS = {
        /* -20 */ 88761, 71755, 56483, 46273, 36291,
        /* -15 */ 29154, 23254, 18705, 14949, 11916,
        /* -10 */ 9548, 7620, 6100, 4904, 3906,
        /*  -5 */ 3121, 2501, 1991, 1586, 1277,
        /*   0 */ 1024, 820, 655, 526, 423,
        /*   5 */ 335, 272, 215, 172, 137,
        /*  10 */ 110, 87, 70, 56, 45,
        /*  15 */ 36, 29, 23, 18, 15};

    public static long weight(int nice) {
        if (nice < -20 || nice > 19) {
            throw new IllegalArgumentException("nice must be -20..19, not " + nice);
        }
        return WEIGHTS[nice + 20];
    }
}
