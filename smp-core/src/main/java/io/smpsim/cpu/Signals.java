package io.smpsim.cpu;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The fields other threads write to poke a core, on cache lines of their own: were they inside
 * {@link Cpu}, every IPI would steal the line holding the core's lazy flags, which it writes on
 * nearly every instruction (false sharing). Superclass fields are laid out first, so the padding
 * classes keep 64 bytes on each side.
 */
final class Signals extends SignalFields {
    @SuppressWarnings("unused")
    private long q0, q1, q2, q3, q4, q5, q6, q7;

    static final VarHandle ATTENTION;

    static {
        try {
            ATTENTION = MethodHandles.lookup().findVarHandle(SignalFields.class, "attention", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}

abstract class SignalPadding {
    @SuppressWarnings("unused")
    private long p0, p1, p2, p3, p4, p5, p6, p7;
}

abstract class SignalFields extends SignalPadding {
    /** Non-zero when something may be pending; read opaque at every instruction boundary. */
    int attention;
    volatile boolean stopRequested;
    volatile boolean tlbFlushRequested;
    volatile Thread parkedThread;
}
