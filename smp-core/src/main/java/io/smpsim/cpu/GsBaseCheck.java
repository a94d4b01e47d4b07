package io.smpsim.cpu;

/** Decides whether kernel code may read %gs: with this GS.base (the per-CPU area invariant). */
@FunctionalInterface
public interface GsBaseCheck {
    /**
     * Called before a %gs:-relative access at CPL 0. Return false to stop the core; the checker
     * is expected to report the violation itself (it sees the core's RIP and state).
     */
    boolean valid(Cpu cpu, long gsBase);
}
