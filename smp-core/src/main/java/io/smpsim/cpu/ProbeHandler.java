package io.smpsim.cpu;

/**
 * Called at the instruction boundary before an instruction that carries a probe (set through
 * {@code Machine.setProbe}), on the core's own thread. Fault injection uses it to make an interrupt
 * or NMI pending exactly at one boundary; coverage tools use it to count visits.
 */
@FunctionalInterface
public interface ProbeHandler {
    /**
     * @return true if the handler made an event pending, so that this very boundary must look at
     *         pending interrupts again before the instruction executes
     */
    boolean atProbe(Cpu cpu, long rip);
}
