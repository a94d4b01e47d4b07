package io.smpsim.cpu;

/**
 * The kernel services behind {@code vmcall}: RAX selects the service, RDI, RSI, RDX and R10 carry
 * arguments, and the result goes back in RAX. A hypercall runs atomically on its core (no
 * interrupt is taken inside it); a handler may hold a Java lock only for the duration of one call.
 */
@FunctionalInterface
public interface HypercallHandler {
    /**
     * Performs the service on {@code cpu}, whose RIP already points past the vmcall. Returns 0 to
     * continue, or a {@code Cpu.EXIT_*} code to leave the step loop (e.g. a yield to the executor).
     * To fail the call as an instruction, raise an exception with {@link Cpu#raise}.
     */
    int hypercall(Cpu cpu);
}
