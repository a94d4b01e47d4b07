package io.smpsim.trace;

/** Trace event types and their payloads. */
public final class TraceEvent {
    private TraceEvent() {}

    /** An external interrupt was taken: a = vector. */
    public static final int INTERRUPT = 1;
    /** An exception was delivered: a = vector, b = error code. */
    public static final int EXCEPTION = 2;
    /** syscall executed: a = RAX. */
    public static final int SYSCALL_ENTRY = 3;
    /** sysretq executed: a = RAX. */
    public static final int SYSCALL_EXIT = 4;
    /** The core halted. */
    public static final int HALT = 5;
    /** The core woke from halt. */
    public static final int WAKE = 6;
    /** An IPI was sent: a = destination (or shorthand), b = vector | delivery mode << 8. */
    public static final int IPI_SENT = 7;
    /** NMI taken. */
    public static final int NMI = 8;
    /** The core shut down (triple fault). a = last vector. */
    public static final int SHUTDOWN = 9;
    /** iretq executed: a = new RIP, b = the frame's address (RSP before the pops). */
    public static final int IRET = 10;
    /** A hypercall: a = service number (RAX), b = result. */
    public static final int HYPERCALL = 11;
    /** A kernel-defined event (from a hypercall): a, b as the kernel chooses. */
    public static final int KERNEL = 12;
    /** Context switch: a = previous task id, b = next task id. */
    public static final int CONTEXT_SWITCH = 13;
    /** An IPI was accepted: a = source core, b = vector | mode << 8 | latency in cycles << 16. */
    public static final int IPI_RECEIVED = 14;

    /**
     * An interrupt, NMI or exception was delivered (its frame is pushed): rip = the saved RIP,
     * a = vector | IST index &lt;&lt; 8 | error-code flag &lt;&lt; 11 | kind &lt;&lt; 12 (0 fault, 1 software,
     * 2 external, 3 NMI), b = the frame's address (the new RSP).
     */
    public static final int DELIVERED = 15;

    /** Packs the payload a of {@link #DELIVERED}. */
    public static long deliveredInfo(int vector, int ist, boolean errorCode, int kind) {
        return vector | ist << 8 | (errorCode ? 1 << 11 : 0) | kind << 12;
    }

    private static final String[] NAMES = {
        "?", "interrupt", "exception", "syscall_entry", "syscall_exit", "halt", "wake", "ipi_sent", "nmi",
        "shutdown", "iret", "hypercall", "kernel", "context_switch", "ipi_received", "delivered"};

    public static String name(int type) {
        return type > 0 && type < NAMES.length ? NAMES[type] : "event" + type;
    }

    public static final int COUNT = NAMES.length;
}
