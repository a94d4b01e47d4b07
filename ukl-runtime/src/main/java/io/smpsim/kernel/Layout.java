package io.smpsim.kernel;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Locale;

/**
 * Every number the kernel's Java and assembly halves must agree on: the virtual layout, per-CPU
 * and task-struct offsets, the pt_regs layout, vectors, hypercall and system-call numbers. The
 * assembly never spells them out: {@link #header()} turns every constant here into a {@code .set}
 * line of the generated {@code layout.S} that precedes the kernel sources. The contract an entry
 * variant must meet is written in terms of these names (docs/entry-contract.md).
 */
public final class Layout {
    private Layout() {}

    // ---- virtual layout
    public static final long DIRECT_MAP = 0xFFFF888000000000L;
    public static final long VMAP_STACKS = 0xFFFFC90000000000L;
    public static final long VMAP_IST = 0xFFFFC98000000000L;
    public static final long KERNEL_TEXT = 0xFFFFFFFF81000000L;
    public static final long KERNEL_PHYS = 0x1000000L;
    public static final long USER_TEXT = 0x400000L;
    public static final long USER_STACK_TOP = 0x00007FFFFFFFF000L;
    /** The end of the user half: a UKL task's own code and stacks lie below it. */
    public static final long USER_HALF_END = 0x0000800000000000L;
    /** Each thread's user stack region (the stack grows down to region top - USER_STACK_MAX). */
    public static final long USER_STACK_REGION = 0x0000000100000000L;
    public static final long USER_STACK_MAX = 0x800000L;

    public static final long KSTACK_SIZE = 0x4000;
    /** Per task: a 4 KiB guard page, the 16 KiB stack, and a gap. */
    public static final long KSTACK_SLOT = 0x8000;
    public static final long IST_SIZE = 0x4000;
    public static final long IST_SLOT = 0x8000;
    /** Per CPU: IST1 #DF, IST2 NMI, IST3 #DB, IST4 #MC (Linux's order), IST5 a spare one for variants. */
    public static final long IST_CPU_SLOT = 8 * IST_SLOT;
    public static final int IST_DF = 1;
    public static final int IST_NMI = 2;
    public static final int IST_DB = 3;
    public static final int IST_MC = 4;
    public static final int IST_PF = 5;

    // ---- per-CPU area (GS.base in kernel context)
    public static final int PCPU_SELF = 0;
    public static final int PCPU_CPU = 8;
    public static final int PCPU_CURRENT = 16;
    public static final int PCPU_TOP_OF_STACK = 24;
    public static final int PCPU_PREEMPT_COUNT = 32;
    public static final int PCPU_NEED_RESCHED = 40;
    public static final int PCPU_USER_RSP = 48;
    public static final int PCPU_IRQ_NESTING = 56;
    public static final int PCPU_IDLE = 64;
    public static final int PCPU_IN_USER = 72;
    /** Two scratch slots for entry code that has no free register yet (interrupts off). */
    public static final int PCPU_SCRATCH = 80;
    public static final int PCPU_SCRATCH2 = 88;
    public static final int PCPU_TSS = 0x200;
    public static final int PCPU_GDT = 0x300;
    public static final int PCPU_GDT_DESC = 0x380;
    public static final int PCPU_SIZE = 0x1000;
    public static final int TSS_RSP0 = 4;
    public static final int TSS_IST1 = 36;

    // ---- task struct
    public static final int TASK_ID = 0;
    public static final int TASK_SP = 8;
    public static final int TASK_STACK_TOP = 16;
    public static final int TASK_CR3 = 24;
    public static final int TASK_IN_USER = 32;
    public static final int TASK_KIND = 40;
    public static final int TASK_ENTRY = 48;
    public static final int TASK_ARG = 56;
    public static final int TASK_USER_RSP = 64;
    public static final int TASK_USER_STACK_LOW = 72;
    public static final int TASK_SIZE = 256;
    public static final int KIND_KERNEL = 0;
    public static final int KIND_USER = 1;
    public static final int KIND_UKL = 2;

    // ---- pt_regs (Linux, arch/x86/include/asm/ptrace.h), from its lowest address
    public static final int PT_R15 = 0;
    public static final int PT_R14 = 8;
    public static final int PT_R13 = 16;
    public static final int PT_R12 = 24;
    public static final int PT_RBP = 32;
    public static final int PT_RBX = 40;
    public static final int PT_R11 = 48;
    public static final int PT_R10 = 56;
    public static final int PT_R9 = 64;
    public static final int PT_R8 = 72;
    public static final int PT_RAX = 80;
    public static final int PT_RCX = 88;
    public static final int PT_RDX = 96;
    public static final int PT_RSI = 104;
    public static final int PT_RDI = 112;
    public static final int PT_ORIG_RAX = 120;
    public static final int PT_RIP = 128;
    public static final int PT_CS = 136;
    public static final int PT_EFLAGS = 144;
    public static final int PT_RSP = 152;
    public static final int PT_SS = 160;
    public static final int PT_SIZE = 168;

    // ---- selectors and MSR values
    public static final int KERNEL_CS = 0x10;
    public static final int KERNEL_DS = 0x18;
    public static final int USER32_CS = 0x23;
    public static final int USER_DS = 0x2b;
    public static final int USER_CS = 0x33;
    public static final int TSS_SEL = 0x40;
    /** IF, TF, DF, NT and AC cleared on syscall (Linux's syscall_init). */
    public static final long SYSCALL_FMASK = 0x47700;

    // ---- vectors (Linux's numbers)
    public static final int VEC_DE = 0;
    public static final int VEC_NMI = 2;
    public static final int VEC_BP = 3;
    public static final int VEC_UD = 6;
    public static final int VEC_DF = 8;
    public static final int VEC_GP = 13;
    public static final int VEC_PF = 14;
    public static final int VEC_DEVICE = 0x40;
    public static final int VEC_TIMER = 0xEC;
    public static final int VEC_CALL_FUNCTION = 0xFB;
    public static final int VEC_RESCHEDULE = 0xFD;
    public static final int VEC_SPURIOUS = 0xFF;

    // ---- hypercalls (RAX of vmcall)
    public static final int HC_BOOT = 1;
    public static final int HC_SCHED_PICK = 2;
    public static final int HC_SCHED_FINISH = 3;
    public static final int HC_IRQ = 4;
    public static final int HC_SYSCALL = 5;
    public static final int HC_FAULT = 6;
    public static final int HC_IDLE = 7;
    public static final int HC_THREAD_EXIT = 8;
    public static final int HC_VIOLATION = 9;
    public static final int HC_CHECK = 10;
    public static final int HC_TRACE = 11;
    /** Results of HC_FAULT. */
    public static final int FAULT_RETRY = 0;
    public static final int FAULT_KILL = 1;

    // ---- violations the assembly reports itself (HC_VIOLATION, RDI)
    public static final int V_PREEMPT_COUNT = 1;
    public static final int V_GS_BASE = 2;
    public static final int V_BAD_STACK = 3;
    public static final int V_IN_USER = 4;
    public static final int V_UNEXPECTED = 5;
    /** UKL_CS_MARK of the RFC: the application's pt_regs->cs, with RPL 3 so that user_mode() is true. */
    public static final int UKL_APP_CS = 0xC3;

    // ---- system calls (Linux x86-64 numbers, and one of smpsim's own)
    public static final int SYS_WRITE = 1;
    public static final int SYS_BRK = 12;
    public static final int SYS_SCHED_YIELD = 24;
    public static final int SYS_NANOSLEEP = 35;
    public static final int SYS_GETPID = 39;
    public static final int SYS_EXIT = 60;
    public static final int SYS_GETPPID = 110;
    public static final int SYS_FUTEX = 202;
    /** Loops in the kernel with interrupts enabled: where preemption inside a system call happens. */
    public static final int SYS_COMPUTE = 500;
    public static final int FUTEX_WAIT = 0;
    public static final int FUTEX_WAKE = 1;
    public static final int FUTEX_PRIVATE = 128;
    public static final long ENOSYS = -38;
    public static final long EAGAIN = -11;
    public static final long EFAULT = -14;
    public static final long EINVAL = -22;

    // ---- MSRs the kernel writes
    public static final int MSR_GS_BASE = 0xC0000101;
    public static final int MSR_KERNEL_GS_BASE = 0xC0000102;
    public static final int MSR_STAR = 0xC0000081;
    public static final int MSR_LSTAR = 0xC0000082;
    public static final int MSR_FMASK = 0xC0000084;
    public static final int MSR_TSC_DEADLINE = 0x6E0;
    public static final int MSR_X2APIC_EOI = 0x80B;
    public static final int MSR_X2APIC_SVR = 0x80F;
    public static final int MSR_X2APIC_LVT_TIMER = 0x832;

    /** A vector's mnemonic (#PF, #DF ...) for messages. */
    public static String vectorName(int vector) {
        return io.smpsim.isa.Vector.name(vector);
    }

    /**
     * The header of a user program: the layout, and ENTER_KERNEL, the way this kind of task enters
     * the kernel: {@code syscall} at CPL 3, {@code call ukl_entry_SYSCALL_64} for a UKL task.
     */
    public static String userHeader(boolean ukl) {
        return header() + "        .macro ENTER_KERNEL\n        " + (ukl ? "call ukl_entry_SYSCALL_64" : "syscall")
            + "\n        .endm\n";
    }

    /** The generated {@code layout.S}: one {@code .set NAME, value} per constant above. */
    public static String header() {
        StringBuilder s = new StringBuilder("# Generated from io.smpsim.kernel.Layout: do not edit.\n");
        for (Field f : Layout.class.getFields()) {
            int m = f.getModifiers();
            if (!Modifier.isStatic(m) || !Modifier.isFinal(m)) {
                continue;
            }
            try {
                long v = f.getType() == long.class ? f.getLong(null) : f.getInt(null);
                s.append(String.format(Locale.ROOT, "        .set %s, 0x%x%n", f.getName(), v));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return s.toString();
    }
}
