package io.smpsim.check;

import java.util.List;
import java.util.Map;

/**
 * A broken invariant, with what a developer needs to reproduce and understand it: which invariant,
 * on which CPU, at which instruction, the message, the state of every CPU and their last events.
 */
public record Violation(String invariant, int cpu, long rip, String where, String message, long cycles,
                        List<String> cpuStates, Map<Integer, List<String>> lastEvents) {
    public String summary() {
        return invariant + " on CPU " + cpu + " at 0x" + Long.toHexString(rip) + " (" + where + "): " + message;
    }
}
