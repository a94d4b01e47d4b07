package io.smpsim.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smpsim.check.Violation;
import io.smpsim.machine.DeterministicExecutor;
import io.smpsim.machine.RunLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken entry code is caught where it breaks: the invariants are checked while the kernel runs. */
class KernelInvariantsTest {
    @TempDir
    Path dir;

    /** The shipped linux-syscall variant with one edit: a user's own entry file (--entry). */
    Path mutant(String name, String from, String to) throws IOException {
        String src = KernelSources.resource("entry/entry_64.S");
        assertTrue(src.contains(from), "the edit applies");
        Path p = dir.resolve(name + ".S");
        Files.writeString(p, "        .set UKL_TASKS, 0\n" + src.replaceFirst(java.util.regex.Pattern.quote(from),
            java.util.regex.Matcher.quoteReplacement(to)));
        return p;
    }

    Violation runNullCalls(Path variant) {
        Kernel k = Kernel.create(KernelConfig.defaults(2).withVariant(variant.toString()));
        k.spawnProcess("null", Workloads.program(k, "nullcalls"), "_start", 1, 100, 0, 0);
        k.run(new DeterministicExecutor(1), new RunLimits(10_000_000, 0));
        assertEquals(1, Math.min(1, k.violations().size()), "a violation was reported");
        return k.violations().get(0);
    }

    @Test
    void missingSwapgsOnSyscallEntryIsCaughtAtTheFirstPerCpuRead() throws IOException {
        Violation v = runNullCalls(mutant("no-swapgs", "entry_SYSCALL_64:\n        swapgs\n",
            "entry_SYSCALL_64:\n"));
        assertEquals("gs-base", v.invariant());
        assertTrue(v.where().contains("movq %rsp, %gs:PCPU_USER_RSP"), v.where());
        assertTrue(v.message().contains("GS.base 0x0"), v.message());
    }

    @Test
    void aLeakedPreemptCountIsCaughtOnReturnToUser() throws IOException {
        Violation v = runNullCalls(mutant("leak", "        movq %rsp, %rbx\n        sti\n        call do_syscall\n",
            "        movq %rsp, %rbx\n        incl %gs:PCPU_PREEMPT_COUNT\n        sti\n        call do_syscall\n"));
        assertEquals("preempt-count", v.invariant());
    }

    @Test
    void aDoubleFaultWithNowhereToGoIsReportedAsATripleFault() throws IOException {
        // the syscall entry loads an unmapped stack, and #DF has no IST stack of its own: the #PF of the
        // first push cannot be delivered (#DF), and neither can the #DF: the CPU shuts down
        Path p = mutant("no-df-ist", "        movq %gs:PCPU_TOP_OF_STACK, %rsp        # the task's kernel stack\n",
            "        movq $0x1000, %rsp\n");
        String src = Files.readString(p);
        Files.writeString(p, src.replace("IDT_ENTRY VEC_DF, asm_exc_double_fault, IST_DF",
            "IDT_ENTRY VEC_DF, asm_exc_double_fault"));
        Violation v = runNullCalls(p);
        assertEquals("triple-fault", v.invariant());
        assertTrue(v.message().contains("triple fault"), v.message());
    }

    @Test
    void theShippedVariantRunsClean() {
        Kernel k = Kernel.create(KernelConfig.defaults(2));
        k.spawnProcess("null", Workloads.program(k, "nullcalls"), "_start", 1, 1000, 0, 0);
        k.run(new DeterministicExecutor(1), new RunLimits(20_000_000, 0));
        assertEquals(0, k.violations().size());
        assertTrue(k.allExited());
    }
}
