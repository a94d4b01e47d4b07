package io.smpsim.cpu;

import io.smpsim.isa.Op;

/** Dispatch of the privileged and rarely executed instructions, kept out of the step loop. */
final class SystemOps {
    private SystemOps() {}

    static void exec(Cpu cpu, int op, int b, int w1, int size, int sub, int i2) {
        switch (op) {
            case Op.SYSCALL -> cpu.syscall();
            case Op.SYSRET -> cpu.sysret();
            case Op.IRET -> cpu.iret();
            case Op.SWAPGS -> cpu.swapgs();
            case Op.RDSEGBASE -> cpu.segBase(false, sub, cpu.codeWord(b + 2));
            case Op.WRSEGBASE -> cpu.segBase(true, sub, cpu.codeWord(b + 3));
            case Op.CLI -> cpu.cli();
            case Op.STI -> cpu.sti();
            case Op.HLT -> cpu.hlt();
            case Op.PAUSE -> cpu.pause();
            case Op.RDMSR -> cpu.rdmsr();
            case Op.WRMSR -> cpu.wrmsr();
            case Op.RDTSC -> cpu.rdtsc(false);
            case Op.RDTSCP -> cpu.rdtsc(true);
            case Op.CPUID -> cpu.cpuid();
            case Op.VMCALL -> cpu.setPendingExit(cpu.vmcall());
            case Op.MOV_FROM_CR -> cpu.movFromCr(sub, cpu.codeWord(b + 2));
            case Op.MOV_TO_CR -> cpu.movToCr(sub, cpu.reg(cpu.codeWord(b + 3)));
            case Op.MOV_FROM_SREG -> {
                cpu.putReg(cpu.codeWord(b + 2), size, cpu.sreg(sub));
                cpu.advance();
            }
            case Op.MOV_TO_SREG -> cpu.movToSs(sub, cpu.reg(cpu.codeWord(b + 3)));
            case Op.LDT_TABLE -> {
                if (cpu.requireCpl0()) {
                    cpu.loadTable(sub, cpu.operandAddress(b, i2));
                }
            }
            case Op.LTR_R -> cpu.ltr((int) cpu.reg(cpu.codeWord(b + 3)) & 0xFFFF);
            case Op.LTR_M -> {
                long sel = cpu.readOperand(cpu.operandAddress(b, i2), 2, w1);
                if (!cpu.isFaulted()) {
                    cpu.ltr((int) sel);
                }
            }
            case Op.INVLPG -> cpu.invlpg(cpu.operandAddress(b, i2));
            default -> throw new IllegalStateException("decoded op " + Op.name(op) + " has no implementation");
        }
    }
}
