package io.smpsim.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.smpsim.check.Violation;
import io.smpsim.kernel.KernelSources;
import io.smpsim.machine.ExecutorKind;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bug zoo (DESIGN 8, issue 7): the stress run on its defaults (4 cores, 32 tasks, interrupts
 * and injected events) catches every shipped mutant of the entry path, each by the invariant its bug
 * breaks, and passes every correct variant under the same load and budget.
 */
class MutantCatchTest {
    /** What each mutant breaks first, in the deterministic executor with seed 1. */
    private static final Map<String, String> CAUGHT_BY = Map.of(
        "mutant-popf-early", "entry-stack",        // an interrupt after popfq finds in_user = 2 on the kernel stack
        "mutant-in-user-late", "entry-stack",      // an interrupt after popfq finds in_user = 1 on the user stack
        "mutant-no-in-user-on-irq", "in-user",     // kernel code runs with in_user = 2
        "mutant-in-user-per-cpu", "entry-stack",   // the task's in_user never moves: its return finds 1
        "mutant-df-schedules", "sleep-on-ist",     // the #DF handler schedules on IST1
        "mutant-frame-off-by-8", "entry-stack",    // the moved frame's RSP is not the application's
        "mutant-percpu-cached", "in-user",         // after a migration, another task's in_user is set to 2
        "mutant-user-mode-cs", "ukl-cpl3");        // the 0xC3 mark taken for a user frame: iretq to CPL 3

    /** Enough for every mutant to show itself, and for each correct variant to run two rounds of processes. */
    private static final long SYSCALL_BUDGET = 150_000;

    static Stream<Arguments> mutants() {
        return KernelSources.shippedMutants().stream().map(Arguments::of);
    }

    private static StressConfig load(String variant, ExecutorKind executor) {
        return StressConfig.defaults().withVariant(variant).withExecutor(executor).withSeed(1)
            .withBudget(SYSCALL_BUDGET, 0);
    }

    @ParameterizedTest
    @MethodSource("mutants")
    void everyMutantIsCaughtByTheInvariantItBreaks(String mutant) {
        StressResult r = new StressRun(load(mutant, ExecutorKind.deterministic)).run();
        assertEquals(StressResult.Ending.VIOLATION, r.ending(), mutant + " ran " + r.syscalls() + " system calls clean");
        Violation first = r.violations().getFirst();
        assertEquals(CAUGHT_BY.get(mutant), first.invariant(), first.summary());
    }

    @ParameterizedTest
    @MethodSource("mutants")
    void everyMutantIsCaughtOnRealThreadsToo(String mutant) {
        StressResult r = new StressRun(load(mutant, ExecutorKind.threaded)).run();
        // the interleaving is the host's: which invariant breaks first may differ, that one breaks may not
        assertEquals(StressResult.Ending.VIOLATION, r.ending(), mutant + " ran " + r.syscalls() + " system calls clean");
        assertFalse(r.violations().isEmpty());
    }

    @ParameterizedTest
    @MethodSource("mutants")
    void everyMutantIsCaughtUnderPctPrioritiesToo(String mutant) {
        StressResult r = new StressRun(load(mutant, ExecutorKind.pct)).run();
        assertEquals(StressResult.Ending.VIOLATION, r.ending(), mutant + " ran " + r.syscalls() + " system calls clean");
    }

    @ParameterizedTest
    @MethodSource("io.smpsim.suite.MutantCatchTest#correct")
    void theCorrectVariantsPassTheSameLoad(String variant) {
        StressResult r = new StressRun(load(variant, ExecutorKind.deterministic)).run();
        assertEquals(List.of(), r.violations().stream().map(Violation::summary).toList());
        assertEquals(StressResult.Ending.DRAINED, r.ending());
    }

    static Stream<Arguments> correct() {
        return KernelSources.shippedVariants().stream().map(Arguments::of);
    }
}
