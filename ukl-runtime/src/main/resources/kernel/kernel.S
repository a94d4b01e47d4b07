# The fixed part of the kernel: boot, scheduling glue, context switch, the idle loop, and the
# system-call dispatch. The entry variant (entry/*.S) provides entry_SYSCALL_64, the interrupt and
# exception entries, return_to_user and (for UKL variants) the UKL paths.

        .text
# ---------------------------------------------------------------- boot (every CPU)
# %rdi = CPU number, %rsi = this CPU's per-CPU area, %rsp = its idle task's stack; IF = 0.
        .globl kernel_boot
kernel_boot:
        movq %rsi, %r12
        lgdt PCPU_GDT_DESC(%r12)
        movw $TSS_SEL, %ax
        ltr %ax
        lidt idt_desc(%rip)
        movl $MSR_GS_BASE, %ecx
        movq %r12, %rax
        movq %r12, %rdx
        shrq $32, %rdx
        wrmsr
        movl $MSR_KERNEL_GS_BASE, %ecx
        xorl %eax, %eax
        xorl %edx, %edx
        wrmsr
        movl $MSR_STAR, %ecx
        xorl %eax, %eax
        movl $(USER32_CS << 16) | KERNEL_CS, %edx
        wrmsr
        movl $MSR_LSTAR, %ecx
        leaq entry_SYSCALL_64(%rip), %rax
        movq %rax, %rdx
        shrq $32, %rdx
        wrmsr
        movl $MSR_FMASK, %ecx
        movl $SYSCALL_FMASK, %eax
        xorl %edx, %edx
        wrmsr
        movl $MSR_X2APIC_SVR, %ecx              # APIC on, spurious vector
        movl $0x100 | VEC_SPURIOUS, %eax
        wrmsr
        movl $MSR_X2APIC_LVT_TIMER, %ecx        # the tick: TSC-deadline mode
        movl $(2 << 17) | VEC_TIMER, %eax
        wrmsr
        movl $HC_BOOT, %eax
        vmcall                                  # %rax = the first timer deadline
        call arm_timer
        jmp idle_loop

# arm_timer: program the TSC deadline in %rax (0 disarms). Clobbers %rcx, %rdx.
arm_timer:
        movq %rax, %rdx
        shrq $32, %rdx
        movl $MSR_TSC_DEADLINE, %ecx
        wrmsr
        ret

# ---------------------------------------------------------------- the idle task
# NO_HZ idle: before halting, the kernel says which timer to arm (the next sleeper due here).
        .globl idle_loop
idle_loop:
        cli
        cmpq $0, %gs:PCPU_NEED_RESCHED
        jne 1f
        movl $HC_IDLE, %eax
        vmcall                                  # %rax = deadline to arm, or -1 to leave the timer alone
        cmpq $-1, %rax
        je 2f
        call arm_timer
2:      cmpq $0, %gs:PCPU_NEED_RESCHED
        jne 1f
        sti
        hlt                                     # sti; hlt: a wakeup between the two is not lost
        jmp idle_loop
1:      call schedule
        jmp idle_loop

# ---------------------------------------------------------------- scheduling
# schedule: interrupts off. Picks the next task (a hypercall) and switches to it.
        .globl schedule
schedule:
        pushq %rbx
        incl %gs:PCPU_PREEMPT_COUNT
        movq $0, %gs:PCPU_NEED_RESCHED
        movl $HC_SCHED_PICK, %eax
        vmcall                                  # %rax = next task
        movq %gs:PCPU_CURRENT, %rdi
        cmpq %rdi, %rax
        je 1f
        movq %rax, %rsi
        call __switch_to_asm                    # returns in the next task with %rax = prev
        movq %rax, %rdi
        movl $HC_SCHED_FINISH, %eax
        vmcall                                  # finish_task_switch(prev)
1:      decl %gs:PCPU_PREEMPT_COUNT
        popq %rbx
        ret

# __switch_to_asm(prev = %rdi, next = %rsi): saves the callee-saved registers and the kernel RSP
# of prev, loads next's, then (__switch_to) points the per-CPU current, top of stack, TSS.RSP0
# and CR3 at next. Returns prev in %rax.
        .globl __switch_to_asm
__switch_to_asm:
        pushq %rbp
        pushq %rbx
        pushq %r12
        pushq %r13
        pushq %r14
        pushq %r15
        movq %rsp, TASK_SP(%rdi)
        movq TASK_SP(%rsi), %rsp
        popq %r15
        popq %r14
        popq %r13
        popq %r12
        popq %rbx
        popq %rbp
        movq %rsi, %gs:PCPU_CURRENT
        movq TASK_STACK_TOP(%rsi), %rax
        movq %rax, %gs:PCPU_TOP_OF_STACK
        movq %rax, %gs:PCPU_TSS+TSS_RSP0
        movq TASK_CR3(%rsi), %rax
        movq %cr3, %rcx
        cmpq %rax, %rcx
        je 1f
        movq %rax, %cr3
1:      movq %rdi, %rax
        ret

# A new task starts here (its first switch "returns" to this address), %rax = prev.
        .globl ret_from_fork
ret_from_fork:
        movq %rax, %rdi
        movl $HC_SCHED_FINISH, %eax
        vmcall
        decl %gs:PCPU_PREEMPT_COUNT
        movq %gs:PCPU_CURRENT, %rbx
        cmpq $KIND_KERNEL, TASK_KIND(%rbx)
        je 1f
        cmpq $KIND_UKL, TASK_KIND(%rbx)
        je ret_from_fork_ukl
        movq TASK_STACK_TOP(%rbx), %rsp         # a user task: its pt_regs were prepared at creation
        subq $PT_SIZE, %rsp
        jmp return_to_user
1:      movq TASK_ARG(%rbx), %rdi               # a kernel thread: run its function, then exit
        sti
        call *TASK_ENTRY(%rbx)
        cli
        movq %rax, %rdi
        movl $HC_THREAD_EXIT, %eax
        vmcall
        call schedule
        ud2                                     # a dead task is never scheduled again

# exit_to_user_mode_prepare: %rbx = pt_regs, interrupts off. Reschedules while asked to, then
# checks that nothing is left disabling preemption.
        .globl exit_to_user_mode_prepare
exit_to_user_mode_prepare:
1:      cmpq $0, %gs:PCPU_NEED_RESCHED
        je 2f
        call schedule
        jmp 1b
2:      cmpl $0, %gs:PCPU_PREEMPT_COUNT
        jne 3f
        ret
3:      movl $V_PREEMPT_COUNT, %edi
        movl $HC_VIOLATION, %eax
        vmcall
        ret

# irqentry_exit_to_kernel: %rbx = pt_regs of an interrupted kernel context, interrupts off.
# Full preemption: reschedule if asked to, preemption is enabled and the context had IF set.
        .globl irqentry_exit_to_kernel
irqentry_exit_to_kernel:
        cmpl $0, %gs:PCPU_PREEMPT_COUNT
        jne 1f
        cmpq $0, %gs:PCPU_NEED_RESCHED
        je 1f
        testl $0x200, PT_EFLAGS(%rbx)
        jz 1f
        call schedule                           # preempt_schedule_irq
1:      ret

# handle_irq(vector = %edi): %rbx = pt_regs. The kernel does the work; then the timer is armed
# (when the kernel says so) and the interrupt acknowledged.
        .globl handle_irq
handle_irq:
        movq %rbx, %rsi
        movl $HC_IRQ, %eax
        vmcall                                  # %rax = deadline to arm, or -1
        cmpq $-1, %rax
        je 1f
        call arm_timer
1:      movl $MSR_X2APIC_EOI, %ecx
        xorl %eax, %eax
        xorl %edx, %edx
        wrmsr
        ret

# ---------------------------------------------------------------- system calls
# do_syscall: %rbx = pt_regs, interrupts on. The result goes to pt_regs->ax.
        .globl do_syscall
do_syscall:
        movq PT_ORIG_RAX(%rbx), %rax
        cmpq $SYS_COMPUTE, %rax
        je sys_compute
        movq %rbx, %rdi
        movl $HC_SYSCALL, %eax
        vmcall
        ret

# compute(n): sum of (i * i) ^ (i >> 3) for i < n, in the kernel with interrupts on, so a tick can
# preempt it (and the task may continue on another CPU).
sys_compute:
        movq PT_RDI(%rbx), %rcx
        xorl %eax, %eax
        xorl %edx, %edx
1:      cmpq %rcx, %rdx
        jae 2f
        movq %rdx, %rsi
        imulq %rsi, %rsi
        movq %rdx, %rdi
        shrq $3, %rdi
        xorq %rdi, %rsi
        addq %rsi, %rax
        incq %rdx
        jmp 1b
2:      movq %rax, PT_RAX(%rbx)
        ret

        .data
        .globl idt_desc
idt_desc:
        .word 0
        .quad 0
        .text
