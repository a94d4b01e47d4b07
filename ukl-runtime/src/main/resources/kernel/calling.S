# Register save and restore in Linux's pt_regs order (arch/x86/entry/calling.h).
# After PUSH_REGS, %rsp points at a struct pt_regs whose orig_rax, rip, cs, eflags, rsp and ss
# the entry code (or the CPU) pushed before.

        .macro PUSH_REGS rax=%rax
        pushq %rdi
        pushq %rsi
        pushq %rdx
        pushq %rcx
        pushq \rax
        pushq %r8
        pushq %r9
        pushq %r10
        pushq %r11
        pushq %rbx
        pushq %rbp
        pushq %r12
        pushq %r13
        pushq %r14
        pushq %r15
        .endm

        .macro POP_REGS
        popq %r15
        popq %r14
        popq %r13
        popq %r12
        popq %rbp
        popq %rbx
        popq %r11
        popq %r10
        popq %r9
        popq %r8
        popq %rax
        popq %rcx
        popq %rdx
        popq %rsi
        popq %rdi
        .endm

        # An interrupt entry stub: the vector goes where the orig_rax of pt_regs will be.
        .macro IRQ_STUB vector
        pushq $\vector
        jmp irq_common
        .endm

        # IDT table entry for the loader: vector, handler, IST index (0: none).
        .macro IDT_ENTRY vector, handler, ist=0
        .quad \vector, \handler, \ist
        .endm
