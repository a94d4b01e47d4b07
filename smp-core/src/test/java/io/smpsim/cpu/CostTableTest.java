package io.smpsim.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smpsim.isa.Op;
import io.smpsim.machine.BareMetal;
import io.smpsim.machine.Machine;
import io.smpsim.asm.Assembler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CostTableTest {
    @Test
    void documentedTableIsTheDefault() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "cost-table.md"));
        Map<String, Integer> defaults = CostTable.defaults().asMap();
        for (var e : defaults.entrySet()) {
            assertTrue(doc.contains("| `" + e.getKey() + "` | " + e.getValue() + " |"),
                "docs/cost-table.md should list " + e.getKey() + " = " + e.getValue());
        }
    }

    @Test
    void overridesChangeTheCyclesAProgramTakes() {
        String src = "_start: pushfq\n popfq\n mov (%rsp), %rax\n hlt\n";
        long base = cyclesOf(src, CostTable.defaults());
        long slower = cyclesOf(src, CostTable.defaults().with("popf=1020, memory=103"));
        assertEquals(base + 1000 + 100, slower);
        Machine m = Machine.create(1, 4L << 20, CostTable.defaults());
        assertEquals(20, m.costs().cost(Op.ALU_MR_LOCK, 0, false));
    }

    static long cyclesOf(String src, CostTable t) {
        Machine m = Machine.create(1, 4L << 20, t);
        BareMetal.boot(m, Assembler.assemble("c.S", src, BareMetal.LOAD_ADDRESS), "_start");
        m.cpu(0).run(Long.MAX_VALUE, 100);
        return m.cpu(0).cycles();
    }

    @Test
    void badOverridesNameTheEntry() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> CostTable.defaults().with("popf=x"));
        assertTrue(e.getMessage().contains("popf"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CostTable.defaults().with("frob=3"));
        assertTrue(e.getMessage().contains("unknown cost entry `frob'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CostTable.defaults().with("popf"));
        assertTrue(e.getMessage().contains("NAME=CYCLES"), e.getMessage());
    }
}
