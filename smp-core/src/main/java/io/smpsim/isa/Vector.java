package io.smpsim.isa;

/** Exception vectors and the SDM's classes for double-fault escalation (Vol. 3A, Table 6-5). */
public final class Vector {
    private Vector() {}

    public static final int DE = 0, DB = 1, NMI = 2, BP = 3, OF = 4, BR = 5, UD = 6, NM = 7;
    public static final int DF = 8, TS = 10, NP = 11, SS = 12, GP = 13, PF = 14, MF = 16, AC = 17;
    public static final int MC = 18, XM = 19;

    /** Vectors 0-31 that push an error code. */
    public static boolean hasErrorCode(int v) {
        return v == DF || v == TS || v == NP || v == SS || v == GP || v == PF || v == AC;
    }

    /** #DE, #TS, #NP, #SS and #GP are contributory. */
    public static boolean isContributory(int v) {
        return v == DE || v == TS || v == NP || v == SS || v == GP;
    }

    public static final int CLASS_BENIGN = 0, CLASS_CONTRIBUTORY = 1, CLASS_PAGE_FAULT = 2;

    public static int faultClass(int v) {
        if (v == PF) {
            return CLASS_PAGE_FAULT;
        }
        return isContributory(v) ? CLASS_CONTRIBUTORY : CLASS_BENIGN;
    }

    /**
     * Whether a second exception raised while delivering the first becomes #DF.
     * The table: contributory then contributory; page fault then contributory or page fault.
     */
    public static boolean escalatesToDoubleFault(int first, int second) {
        int f = faultClass(first);
        int s = faultClass(second);
        if (f == CLASS_CONTRIBUTORY) {
            return s == CLASS_CONTRIBUTORY;
        }
        if (f == CLASS_PAGE_FAULT) {
            return s == CLASS_CONTRIBUTORY || s == CLASS_PAGE_FAULT;
        }
        return false;
    }

    private static final String[] MNEMONICS = {
        "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#CSO", "#TS", "#NP", "#SS",
        "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM"};

    public static String name(int v) {
        return v < MNEMONICS.length ? MNEMONICS[v] : "vector " + v;
    }
}
