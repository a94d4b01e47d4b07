# Entry variant `linux-syscall': Linux's entry_64.S conventions for normal user tasks (CPL 3,
# syscall/sysretq) and kernel threads, without any UKL path. It is the baseline the UKL variants
# are compared against. The contract every variant meets is in docs/entry-contract.md.

        .include "calling.S"

        .text
# ---------------------------------------------------------------- system calls from CPL 3
        .globl entry_SYSCALL_64
entry_SYSCALL_64:
        swapgs
        movq %rsp, %gs:PCPU_USER_RSP            # the per-CPU scratch slot
        movq %gs:PCPU_TOP_OF_STACK, %rsp        # the task's kernel stack
        pushq $USER_DS                          # pt_regs->ss
        pushq %gs:PCPU_USER_RSP                 # pt_regs->sp
        pushq %r11                              # pt_regs->flags
        pushq $USER_CS                          # pt_regs->cs
        pushq %rcx                              # pt_regs->ip
        pushq %rax                              # pt_regs->orig_ax
        PUSH_REGS $ENOSYS
        movq %rsp, %rbx
        sti
        call do_syscall
        cli
        call exit_to_user_mode_prepare
        # sysretq only when it is safe: RCX == RIP, R11 == RFLAGS and RIP canonical (else iretq)
        movq PT_RCX(%rbx), %rcx
        cmpq PT_RIP(%rbx), %rcx
        jne return_to_user_iret
        movq PT_R11(%rbx), %r11
        cmpq PT_EFLAGS(%rbx), %r11
        jne return_to_user_iret
        movq %rcx, %rax
        shlq $16, %rax
        sarq $16, %rax
        cmpq %rax, %rcx
        jne return_to_user_iret
        POP_REGS
        addq $8, %rsp                           # orig_ax
        movq 24(%rsp), %rsp                     # the user's stack
        swapgs
        sysretq

# Return to CPL 3 with iretq. %rsp = pt_regs, interrupts off. ret_from_fork comes here too.
        .globl return_to_user
return_to_user:
        movq %rsp, %rbx
        call exit_to_user_mode_prepare
return_to_user_iret:
        POP_REGS
        addq $8, %rsp
        swapgs
        iretq

# This variant has no UKL tasks.
        .globl ret_from_fork_ukl
ret_from_fork_ukl:
        movl $V_UNEXPECTED, %edi
        movl $HC_VIOLATION, %eax
        vmcall
        ud2

# ---------------------------------------------------------------- interrupts
asm_sysvec_apic_timer:
        IRQ_STUB VEC_TIMER
asm_sysvec_reschedule:
        IRQ_STUB VEC_RESCHEDULE
asm_sysvec_call_function:
        IRQ_STUB VEC_CALL_FUNCTION
asm_common_device:
        IRQ_STUB VEC_DEVICE
asm_spurious:
        iretq

irq_common:
        testb $3, 16(%rsp)                      # interrupted CPL 3: switch to the kernel GS
        jz 1f
        swapgs
1:      cld
        PUSH_REGS
        movq %rsp, %rbx
        movq PT_ORIG_RAX(%rbx), %rdi
        call handle_irq
        jmp irq_exit

# Common exit of interrupts and exceptions. %rbx = pt_regs, interrupts off.
irq_exit:
        testb $3, PT_CS(%rbx)
        jnz 2f
        call irqentry_exit_to_kernel            # may preempt (full preemption)
        POP_REGS
        addq $8, %rsp
        iretq
2:      call exit_to_user_mode_prepare
        POP_REGS
        addq $8, %rsp
        swapgs
        iretq

# ---------------------------------------------------------------- exceptions
asm_exc_divide_error:
        EXC_NOERR VEC_DE
asm_exc_int3:
        EXC_NOERR VEC_BP
asm_exc_invalid_op:
        EXC_NOERR VEC_UD
asm_exc_general_protection:
        EXC_ERR VEC_GP
asm_exc_page_fault:
        EXC_ERR VEC_PF

exc_common:                                     # %edi = vector, %rsp = pt_regs
        movq %rsp, %rbx
        movq %rbx, %rsi
        movq %cr2, %rdx
        movl $HC_FAULT, %eax
        vmcall                                  # the kernel decides: map a page, kill the task, or panic
        jmp irq_exit

# NMI and #DF use IST stacks and may arrive anywhere, even between swapgs and the stack switch:
# like Linux's paranoid_entry they look at GS.base itself to decide whether to swapgs.
asm_exc_nmi:
        pushq $-1
        PUSH_REGS
        movl $VEC_NMI, %edi
        jmp paranoid_common
asm_exc_double_fault:
        PUSH_REGS
        movl $VEC_DF, %edi
paranoid_common:
        xorl %r15d, %r15d
        rdgsbase %rax
        testq %rax, %rax
        js 1f                                   # a kernel address: already the kernel GS
        swapgs
        movl $1, %r15d
1:      movq %rsp, %rbx
        movq %rbx, %rsi
        movq %cr2, %rdx
        movl $HC_FAULT, %eax
        vmcall
        testl %r15d, %r15d
        jz 2f
        swapgs
2:      POP_REGS
        addq $8, %rsp
        iretq

        .data
# What the loader puts in the IDT.
        .globl idt_table
idt_table:
        IDT_ENTRY VEC_DE, asm_exc_divide_error
        IDT_ENTRY VEC_NMI, asm_exc_nmi, IST_NMI
        IDT_ENTRY VEC_BP, asm_exc_int3
        IDT_ENTRY VEC_UD, asm_exc_invalid_op
        IDT_ENTRY VEC_DF, asm_exc_double_fault, IST_DF
        IDT_ENTRY VEC_GP, asm_exc_general_protection
        IDT_ENTRY VEC_PF, asm_exc_page_fault
        IDT_ENTRY VEC_DEVICE, asm_common_device
        IDT_ENTRY VEC_TIMER, asm_sysvec_apic_timer
        IDT_ENTRY VEC_CALL_FUNCTION, asm_sysvec_call_function
        IDT_ENTRY VEC_RESCHEDULE, asm_sysvec_reschedule
        IDT_ENTRY VEC_SPURIOUS, asm_spurious
        .quad -1
        .text
