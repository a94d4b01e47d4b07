package io.smpsim.suite;

import io.smpsim.check.EntryChecker;
import io.smpsim.kernel.Kernel;
import io.smpsim.program.DecodedCode;
import io.smpsim.program.Program;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per instruction boundary of the entry text: what was injected there and what was taken there
 * (interrupts and NMIs delivered with that RIP saved). The heat map of a report.
 */
public record Coverage(List<Boundary> boundaries) {
    /** One boundary: the instruction after it, and the counts. */
    public record Boundary(long rip, String symbol, String instruction, String source, long interruptsTaken,
                           long nmisTaken, long injectedInterrupts, long injectedNmis, long injectedIpis,
                           long injectedMigrations) {
        public long taken() {
            return interruptsTaken + nmisTaken;
        }

        public long injected() {
            return injectedInterrupts + injectedNmis + injectedIpis + injectedMigrations;
        }
    }

    static Coverage of(Kernel kernel, BoundaryInjector injector) {
        EntryChecker checker = kernel.checker();
        Program image = kernel.image();
        DecodedCode code = image.decoded();
        TreeMap<Long, String> labels = new TreeMap<>();
        for (Map.Entry<String, Long> e : image.symbols().entrySet()) {
            if (e.getValue() >= checker.entryStart() && e.getValue() < checker.entryEnd()
                && !e.getKey().startsWith(".L") && !e.getKey().startsWith("__entry")) {
                labels.merge(e.getValue(), e.getKey(), (a, b) -> a.compareTo(b) <= 0 ? a : b);
            }
        }
        List<Boundary> out = new ArrayList<>();
        for (long rip : injector.boundaries()) { // every instruction of the entry text
            int i = code.indexOf(rip);
            Map.Entry<Long, String> l = labels.floorEntry(rip);
            String sym = l == null ? "?" : rip == l.getKey() ? l.getValue()
                : l.getValue() + "+0x" + Long.toHexString(rip - l.getKey());
            out.add(new Boundary(rip, sym, code.text(i), code.where(i), checker.interruptsAt(rip), checker.nmisAt(rip),
                injector.injectedAt(rip, BoundaryInjector.INTERRUPT), injector.injectedAt(rip, BoundaryInjector.NMI),
                injector.injectedAt(rip, BoundaryInjector.IPI), injector.injectedAt(rip, BoundaryInjector.MIGRATE)));
        }
        return new Coverage(out);
    }

    /** Boundaries where something was injected or taken. */
    public long boundariesHit() {
        return boundaries.stream().filter(b -> b.taken() + b.injected() > 0).count();
    }
}
