package io.smpsim.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smpsim.isa.Reg;
import io.smpsim.testutil.Sim;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void loopSumsToTen() {
        Sim s = Sim.run("""
            _start:
                xor %eax, %eax
                mov $4, %ecx
            1:  add %rcx, %rax
                dec %ecx
                jnz 1b
                hlt
            """);
        assertEquals(10, s.reg(Reg.RAX));
        assertEquals(Cpu.State.HALTED, s.cpu().state());
    }
}
