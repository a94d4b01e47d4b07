package io.smpsim.apic;

/**
 * The local APIC timer, clocked by its core's cycle counter: one-shot and periodic modes count
 * down the initial count at cycles / divisor; TSC-deadline mode fires when the TSC reaches
 * IA32_TSC_DEADLINE. Owned by the core's thread.
 */
final class ApicTimer {
    private int lvt = X2Apic.LVT_MASKED;
    private int divide;
    private long initial;
    private long start;
    private long expiry = Long.MAX_VALUE;
    private long tscDeadline;
    private long fired;

    int mode() {
        return (lvt >>> 17) & 3;
    }

    int vector() {
        return lvt & 0xFF;
    }

    boolean masked() {
        return (lvt & X2Apic.LVT_MASKED) != 0;
    }

    int lvt() {
        return lvt;
    }

    void setLvt(int v) {
        int oldMode = mode();
        lvt = v & (0xFF | X2Apic.LVT_MASKED | (3 << 17));
        if (mode() != oldMode) {
            // switching modes disarms the timer (SDM 11.5.4.1)
            expiry = Long.MAX_VALUE;
            initial = 0;
            tscDeadline = 0;
        }
    }

    int divide() {
        return divide;
    }

    void setDivide(int v) {
        divide = v & 0xB;
    }

    long initialCount() {
        return initial;
    }

    void setInitial(long count, long now) {
        if (mode() == X2Apic.TIMER_TSC_DEADLINE) {
            return; // ignored in TSC-deadline mode
        }
        initial = count & 0xFFFFFFFFL;
        start = now;
        expiry = initial == 0 ? Long.MAX_VALUE : now + initial * X2Apic.divisor(divide);
    }

    /** The current-count register: 0 in TSC-deadline mode or when the timer is not running. */
    long currentCount(long now) {
        return mode() == X2Apic.TIMER_TSC_DEADLINE ? 0 : remaining(now);
    }

    private long remaining(long now) {
        if (expiry == Long.MAX_VALUE || now >= expiry) {
            return 0;
        }
        return (expiry - now + X2Apic.divisor(divide) - 1) / X2Apic.divisor(divide);
    }

    long tscDeadline() {
        return tscDeadline;
    }

    void setTscDeadline(long v, long now) {
        if (mode() != X2Apic.TIMER_TSC_DEADLINE) {
            return; // writes are ignored outside TSC-deadline mode
        }
        tscDeadline = v;
        expiry = v == 0 ? Long.MAX_VALUE : v;
    }

    /** The cycle count of the next expiry, or Long.MAX_VALUE. */
    long deadline() {
        return expiry;
    }

    /** Advances to now; returns true if the timer expired (the caller raises the vector unless masked). */
    boolean expire(long now) {
        if (now < expiry) {
            return false;
        }
        fired++;
        if (mode() == X2Apic.TIMER_PERIODIC && initial != 0) {
            long period = initial * X2Apic.divisor(divide);
            // a core that slept through several periods sees one interrupt, as the IRR coalesces them
            long missed = (now - expiry) / period;
            expiry += (missed + 1) * period;
        } else {
            expiry = Long.MAX_VALUE;
            if (mode() == X2Apic.TIMER_TSC_DEADLINE) {
                tscDeadline = 0;
            }
        }
        return true;
    }

    long fired() {
        return fired;
    }
}
