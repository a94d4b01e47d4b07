package io.smpsim.kernel;

import io.smpsim.program.Program;

/**
 * The shipped workload programs (resources kernel/user/*.S) and the results they must end with,
 * computed here independently of the simulation.
 */
public final class Workloads {
    private Workloads() {}

    /** The shipped workload programs (resources kernel/user/NAME.S). */
    public static final java.util.List<String> SHIPPED = java.util.List.of("nullcalls", "compute", "pingpong", "spin",
        "stack", "mixed", "futexhang", "yield", "stressmix");

    /** Loads a shipped user program into a kernel (once). */
    public static Program program(Kernel k, String name) {
        String src = KernelSources.resource("user/" + name + ".S");
        if (src == null) {
            throw new IllegalArgumentException("no shipped workload `" + name + "'");
        }
        return k.userProgram(name, src);
    }

    /** Loads a shipped user program built for UKL tasks (ENTER_KERNEL calls ukl_entry_SYSCALL_64). */
    public static Program uklProgram(Kernel k, String name) {
        String src = KernelSources.resource("user/" + name + ".S");
        if (src == null) {
            throw new IllegalArgumentException("no shipped workload `" + name + "'");
        }
        return k.userProgram(name, src, true);
    }

    /** compute(n) as the kernel computes it: the sum of (i * i) ^ (i >> 3) for i < n. */
    public static long compute(long n) {
        long s = 0;
        for (long i = 0; i < n; i++) {
            s += (i * i) ^ (i >>> 3);
        }
        return s;
    }

    /** The exit code of compute.S with {@code calls} calls. */
    public static long computeChecksum(long calls) {
        long fold = 0;
        for (long i = 0; i < calls; i++) {
            fold = fold * 31 + compute(2000 + (i % 7) * 500);
        }
        return fold;
    }

    /** The exit code of stack.S recursing to {@code depth}. */
    public static long stackChecksum(long depth) {
        return depth * (depth + 1) / 2;
    }

    /** The exit code of mixed.S: the sum of i * 3 for i < 8192. */
    public static final long MIXED_CHECKSUM = 3L * 8191 * 8192 / 2;
}
