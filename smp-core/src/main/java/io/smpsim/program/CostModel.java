package io.smpsim.program;

/** Gives the simulated cycle cost of a decoded instruction. */
@FunctionalInterface
public interface CostModel {
    /**
     * @param op a decoded opcode ({@link io.smpsim.isa.Op})
     * @param sub its sub-operation field
     * @param memoryOperand whether it has an explicit memory operand
     */
    int cost(int op, int sub, boolean memoryOperand);
}
