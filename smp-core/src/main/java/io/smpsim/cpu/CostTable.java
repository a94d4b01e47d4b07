package io.smpsim.cpu;

import io.smpsim.isa.Op;
import io.smpsim.program.CostModel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Simulated cycles per instruction. The defaults are round figures in the range the Intel
 * optimization manual and Agner Fog's tables give for recent cores: they make relative costs
 * meaningful (a locked RMW costs about twenty simple ops, iretq costs several times popfq + ret),
 * not absolute ones. Every entry can be overridden by name ({@code mov_rr=1,alu_mr_lock=25}).
 * docs/cost-table.md lists them.
 */
public final class CostTable implements CostModel {
    private final int[] base = new int[Op.COUNT];
    private int memoryOperand;
    private int exceptionDelivery;
    private int interruptDelivery;

    private CostTable() {}

    /** The documented default table. */
    public static CostTable defaults() {
        CostTable t = new CostTable();
        Arrays.fill(t.base, 1);
        t.memoryOperand = 3;
        t.exceptionDelivery = 150;
        t.interruptDelivery = 120;
        t.set(Op.ALU_MR_LOCK, 20).set(Op.ALU_MI_LOCK, 20).set(Op.UN_M_LOCK, 20).set(Op.XADD_MR_LOCK, 20)
            .set(Op.CMPXCHG_MR_LOCK, 22).set(Op.XCHG_RM, 20)
            .set(Op.IMUL_RR, 3).set(Op.IMUL_RM, 3).set(Op.MULDIV_R, 25).set(Op.MULDIV_M, 25)
            .set(Op.PUSH_R, 1).set(Op.POP_R, 1).set(Op.CALL, 2).set(Op.CALL_R, 2).set(Op.CALL_M, 3).set(Op.RET, 2)
            .set(Op.PUSHF, 3).set(Op.POPF, 20)
            .set(Op.SYSCALL, 60).set(Op.SYSRET, 60).set(Op.IRET, 80).set(Op.SWAPGS, 10)
            .set(Op.RDSEGBASE, 2).set(Op.WRSEGBASE, 10)
            .set(Op.CLI, 3).set(Op.STI, 3).set(Op.HLT, 1).set(Op.PAUSE, 40)
            .set(Op.RDMSR, 50).set(Op.WRMSR, 100).set(Op.RDTSC, 20).set(Op.RDTSCP, 25).set(Op.CPUID, 100)
            .set(Op.MFENCE, 30).set(Op.LFENCE, 4).set(Op.SFENCE, 4)
            .set(Op.INT3, 20).set(Op.INT_N, 20).set(Op.UD2, 1).set(Op.VMCALL, 100)
            .set(Op.LDT_TABLE, 50).set(Op.LTR_R, 50).set(Op.LTR_M, 50).set(Op.INVLPG, 50)
            .set(Op.MOV_FROM_CR, 5).set(Op.MOV_TO_CR, 100).set(Op.MOV_TO_SREG, 6).set(Op.MOV_FROM_SREG, 2);
        return t;
    }

    private CostTable set(int op, int cycles) {
        base[op] = cycles;
        return this;
    }

    /**
     * Applies overrides such as {@code popf=30,memory=4,exception=200}: op names as
     * {@link Op#name}, plus {@code memory} (added for a memory operand), {@code exception} and
     * {@code interrupt} (delivery costs). Throws IllegalArgumentException naming the bad entry.
     */
    public CostTable with(String spec) {
        CostTable t = new CostTable();
        System.arraycopy(base, 0, t.base, 0, base.length);
        t.memoryOperand = memoryOperand;
        t.exceptionDelivery = exceptionDelivery;
        t.interruptDelivery = interruptDelivery;
        if (spec == null || spec.isBlank()) {
            return t;
        }
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split("=");
            if (kv.length != 2) {
                throw new IllegalArgumentException("cost entry `" + part.trim() + "' is not NAME=CYCLES");
            }
            int v;
            try {
                v = Integer.parseInt(kv[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("cost of `" + kv[0].trim() + "' must be a whole number, not `"
                    + kv[1].trim() + "'");
            }
            if (v < 1 || v > 30000) {
                throw new IllegalArgumentException("cost of `" + kv[0].trim() + "' must be 1..30000 cycles");
            }
            String name = kv[0].trim().toLowerCase();
            switch (name) {
                case "memory" -> t.memoryOperand = v;
                case "exception" -> t.exceptionDelivery = v;
                case "interrupt" -> t.interruptDelivery = v;
                default -> {
                    int op = -1;
                    for (int i = 0; i < Op.COUNT; i++) {
                        if (Op.name(i).equals(name)) {
                            op = i;
                        }
                    }
                    if (op < 0) {
                        throw new IllegalArgumentException("unknown cost entry `" + name + "'; names are "
                            + String.join(", ", asMap().keySet()));
                    }
                    t.base[op] = v;
                }
            }
        }
        return t;
    }

    @Override
    public int cost(int op, int sub, boolean memoryOp) {
        return base[op] + (memoryOp ? memoryOperand : 0);
    }

    public int exceptionDelivery() {
        return exceptionDelivery;
    }

    public int interruptDelivery() {
        return interruptDelivery;
    }

    /** Every entry by name, for documentation and reports. */
    public Map<String, Integer> asMap() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < Op.COUNT; i++) {
            m.put(Op.name(i), base[i]);
        }
        m.put("memory", memoryOperand);
        m.put("exception", exceptionDelivery);
        m.put("interrupt", interruptDelivery);
        return m;
    }
}
