package io.smpsim.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smpsim.check.Violation;
import io.smpsim.machine.ExecutorKind;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An event injected at every instruction boundary of the UKL system-call entry and exit path and of
 * the interrupt entry and exit path (DESIGN 8, issue 5): each boundary gets an interrupt (an NMI, a
 * reschedule IPI) at its first visits on every CPU, and still every invariant holds and every
 * process equals its sequential run. Deterministic executor, fixed seed, a light device-interrupt storm (so every stub is visited).
 */
class EntryBoundarySweepTest {
    enum Kind {
        INTERRUPT(Coverage.Boundary::injectedInterrupts),
        NMI(Coverage.Boundary::injectedNmis),
        IPI(Coverage.Boundary::injectedIpis),
        MIGRATE(Coverage.Boundary::injectedMigrations);

        final ToLongFunction<Coverage.Boundary> injected;

        Kind(ToLongFunction<Coverage.Boundary> injected) {
            this.injected = injected;
        }

        StressConfig.Injection sweep() {
            return StressConfig.Injection.sweep(2, this == INTERRUPT, this == NMI, this == IPI, this == MIGRATE);
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of("ukl-rfc", "ukl-kernel-cs", "ukl-ist-pf", "ukl-iret")
            .flatMap(v -> Stream.of(Kind.values()).map(k -> Arguments.of(v, k)));
    }

    /** The stubs no event of this kernel arrives through: nothing can visit them. */
    private static boolean unused(String symbol) {
        return symbol.startsWith("asm_spurious") || symbol.startsWith("asm_sysvec_call_function");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void everyBoundaryOfTheUklPathsTakesAnEventAndTheRunStaysCorrect(String variant, Kind kind) {
        StressConfig config = StressConfig.defaults().withVariant(variant).withExecutor(ExecutorKind.deterministic)
            .withSeed(7).withLoad(4, 16, 4, 300).withBudget(8_000, 0).withInterrupts(20_000, 20_000)
            .withInjection(kind.sweep());
        StressRun run = new StressRun(config);
        StressResult r = run.run();
        assertEquals(List.of(), r.violations().stream().map(Violation::summary).toList());
        assertEquals(StressResult.Ending.DRAINED, r.ending());
        assertTrue(r.processesChecked() >= 4, "processes compared with their sequential run: " + r.processesChecked());

        Map<String, Long> symbols = run.kernel().image().symbols();
        long from = symbols.get("ukl_entry_SYSCALL_64");
        long to = symbols.get("asm_exc_divide_error"); // the system-call paths, then the interrupt paths
        List<Coverage.Boundary> path = r.coverage().boundaries().stream()
            .filter(b -> b.rip() >= from && b.rip() < to && !unused(b.symbol())).toList();
        assertTrue(path.size() > 40, "boundaries on the paths: " + path.size());
        List<String> missed = path.stream().filter(b -> kind.injected.applyAsLong(b) == 0)
            .map(b -> b.symbol() + " " + b.instruction()).toList();
        assertEquals(List.of(), missed, "boundaries that got no " + kind);
        if (kind == Kind.NMI) {
            // nothing masks an NMI but a running NMI handler: each is taken right at its boundary
            List<String> notTaken = path.stream().filter(b -> b.nmisTaken() == 0)
                .map(b -> b.symbol() + " " + b.instruction()).toList();
            assertEquals(List.of(), notTaken, "boundaries where no NMI was taken");
        }
        if (kind == Kind.INTERRUPT && !variant.equals("ukl-iret")) {
            // the RFC's window: right after popfq, before ret, interrupts are on again with no shadow
            Coverage.Boundary afterPopf = afterPopf(path, symbols.get("ukl_return_to_app"));
            assertTrue(afterPopf.interruptsTaken() > 0, "interrupts taken after popfq: " + afterPopf);
        }
    }

    private static Coverage.Boundary afterPopf(List<Coverage.Boundary> path, long exitPath) {
        for (int i = 0; i + 1 < path.size(); i++) {
            if (path.get(i).rip() >= exitPath && path.get(i).instruction().startsWith("popfq")) {
                return path.get(i + 1);
            }
        }
        throw new AssertionError("no popfq on the exit path");
    }
}
