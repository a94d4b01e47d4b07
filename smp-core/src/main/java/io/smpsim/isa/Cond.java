package io.smpsim.isa;

import java.util.Map;
import java.util.HashMap;

/** Condition codes in x86 encoding order (the low nibble of Jcc/SETcc/CMOVcc opcodes). */
public final class Cond {
    private Cond() {}

    public static final int O = 0, NO = 1, B = 2, AE = 3, E = 4, NE = 5, BE = 6, A = 7;
    public static final int S = 8, NS = 9, P = 10, NP = 11, L = 12, GE = 13, LE = 14, G = 15;

    private static final Map<String, Integer> SUFFIXES = new HashMap<>();

    static {
        String[][] names = {
            {"o"}, {"no"}, {"b", "c", "nae"}, {"ae", "nb", "nc"}, {"e", "z"}, {"ne", "nz"},
            {"be", "na"}, {"a", "nbe"}, {"s"}, {"ns"}, {"p", "pe"}, {"np", "po"},
            {"l", "nge"}, {"ge", "nl"}, {"le", "ng"}, {"g", "nle"}};
        for (int cc = 0; cc < names.length; cc++) {
            for (String n : names[cc]) {
                SUFFIXES.put(n, cc);
            }
        }
    }

    /** The condition for a mnemonic suffix such as "ne" or "nbe"; -1 if none. */
    public static int fromSuffix(String s) {
        Integer cc = SUFFIXES.get(s);
        return cc == null ? -1 : cc;
    }

    private static final String[] CANONICAL = {
        "o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"};

    public static String name(int cc) {
        return CANONICAL[cc];
    }
}
