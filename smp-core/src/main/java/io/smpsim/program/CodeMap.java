package io.smpsim.program;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Which decoded program lives at which physical address, so a core can find the instruction at a
 * physical fetch address. Copy-on-write: loads are rare, lookups happen on every cross-page branch
 * miss.
 */
public final class CodeMap {
    private volatile LoadedCode[] segments = new LoadedCode[0];

    public synchronized void add(LoadedCode lc) {
        for (LoadedCode s : segments) {
            if (lc.physBase() < s.physEnd() && s.physBase() < lc.physEnd()) {
                throw new IllegalArgumentException("code of " + lc.program().name() + " overlaps "
                    + s.program().name());
            }
        }
        LoadedCode[] next = Arrays.copyOf(segments, segments.length + 1);
        next[segments.length] = lc;
        Arrays.sort(next, Comparator.comparingLong(LoadedCode::physBase));
        segments = next;
    }

    /** The loaded code containing physical address pa, or null. */
    public LoadedCode find(long pa) {
        LoadedCode[] s = segments;
        int lo = 0;
        int hi = s.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            LoadedCode c = s[mid];
            if (pa < c.physBase()) {
                hi = mid - 1;
            } else if (pa >= c.physEnd()) {
                lo = mid + 1;
            } else {
                return c;
            }
        }
        return null;
    }

    public LoadedCode[] all() {
        return segments.clone();
    }
}
