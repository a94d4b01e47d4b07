# The entry code of every shipped variant (after Linux's arch/x86/entry/entry_64.S): system calls
# from CPL 3, interrupts, exceptions, NMI and #DF, and, with UKL_TASKS, the paths of UKL tasks —
# applications that run at CPL 0 and enter the kernel with `call ukl_entry_SYSCALL_64'.
#
# A variant file sets some of these before including this one (the rest default to 0):
#   UKL_TASKS        UKL tasks exist: ukl_entry_SYSCALL_64, ret_from_fork_ukl, in_user at every entry
#   UKL_KERNEL_CS    pt_regs->cs of the application context is an honest __KERNEL_CS (the review's
#                    proposal) instead of the RFC's 0xC3 mark that makes user_mode() true
#   UKL_RETURN_IRET  return to the application with iretq instead of popfq + ret
#   UKL_PF_IST       page faults on their own IST stack (IST_PF) instead of the #DF hack
#   UKL_DF_HACK      a double fault of a UKL task is a user-stack page fault: grow it, return
#   MUTANT_*         deliberate bugs, one per file under entry/mutants/ (each says what is wrong)
#
# in_user (TASK_IN_USER of the current task): 0 not a UKL task, 1 kernel context, 2 application.
# The contract (labels, offsets, hypercalls) is docs/entry-contract.md.

        .ifndef UKL_TASKS
        .set UKL_TASKS, 0
        .endif
        .ifndef UKL_KERNEL_CS
        .set UKL_KERNEL_CS, 0
        .endif
        .ifndef UKL_RETURN_IRET
        .set UKL_RETURN_IRET, 0
        .endif
        .ifndef UKL_PF_IST
        .set UKL_PF_IST, 0
        .endif
        .ifndef UKL_DF_HACK
        .set UKL_DF_HACK, 0
        .endif
        .ifndef MUTANT_POPF_EARLY
        .set MUTANT_POPF_EARLY, 0
        .endif
        .ifndef MUTANT_IN_USER_LATE
        .set MUTANT_IN_USER_LATE, 0
        .endif
        .ifndef MUTANT_NO_IN_USER_ON_IRQ
        .set MUTANT_NO_IN_USER_ON_IRQ, 0
        .endif
        .ifndef MUTANT_IN_USER_PER_CPU
        .set MUTANT_IN_USER_PER_CPU, 0
        .endif
        .ifndef MUTANT_DF_SCHEDULES
        .set MUTANT_DF_SCHEDULES, 0
        .endif
        .ifndef MUTANT_FRAME_OFF_BY_8
        .set MUTANT_FRAME_OFF_BY_8, 0
        .endif
        .ifndef MUTANT_PERCPU_CACHED
        .set MUTANT_PERCPU_CACHED, 0
        .endif
        .ifndef MUTANT_USER_MODE_CS
        .set MUTANT_USER_MODE_CS, 0
        .endif

        .if UKL_KERNEL_CS
        .set UKL_CS_MARK, KERNEL_CS
        .else
        .set UKL_CS_MARK, UKL_APP_CS
        .endif
        .if UKL_PF_IST
        .set PF_IST, IST_PF
        .else
        .set PF_IST, 0
        .endif

        .include "calling.S"

# in_user of the task whose struct is in \task.
        .macro SET_IN_USER value, task
        .if MUTANT_IN_USER_PER_CPU
        movq $\value, %gs:PCPU_IN_USER          # MUTANT: the CPU's in_user, not the task's
        .else
        movq $\value, TASK_IN_USER(\task)
        .endif
        .endm

        .macro CMP_IN_USER value, task
        .if MUTANT_IN_USER_PER_CPU
        cmpq $\value, %gs:PCPU_IN_USER          # MUTANT: the CPU's in_user, not the task's
        .else
        cmpq $\value, TASK_IN_USER(\task)
        .endif
        .endm

# Moves the six words at %rsp (orig_ax or error code, then the hardware frame ip, cs, flags, sp, ss)
# to the top of the current task's kernel stack and continues there, as Linux's sync_regs does.
# With mark = 1 the frame is an application's (UKL): pt_regs->cs becomes UKL_CS_MARK and in_user 1.
# Interrupts are off; every register is preserved.
        .macro MOVE_FRAME_TO_TASK_STACK mark
        movq %rax, %gs:PCPU_SCRATCH
        movq %rcx, %gs:PCPU_SCRATCH2
        movq %rsp, %rax
        movq %gs:PCPU_TOP_OF_STACK, %rsp
        .if MUTANT_FRAME_OFF_BY_8
        subq $40, %rsp                          # MUTANT: the orig_ax word forgotten: the frame ends 8 bytes past the stack
        .else
        subq $48, %rsp
        .endif
        movq (%rax), %rcx
        movq %rcx, (%rsp)
        movq 8(%rax), %rcx
        movq %rcx, 8(%rsp)
        .if \mark
        movq $UKL_CS_MARK, 16(%rsp)
        .else
        movq 16(%rax), %rcx
        movq %rcx, 16(%rsp)
        .endif
        movq 24(%rax), %rcx
        movq %rcx, 24(%rsp)
        movq 32(%rax), %rcx
        movq %rcx, 32(%rsp)
        movq 40(%rax), %rcx
        movq %rcx, 40(%rsp)
        .if \mark
        .if MUTANT_NO_IN_USER_ON_IRQ
        # MUTANT: in_user stays 2 while the kernel handles the interrupt on the kernel stack
        .else
        movq %gs:PCPU_CURRENT, %rax
        SET_IN_USER 1, %rax
        .endif
        .endif
        movq %gs:PCPU_SCRATCH2, %rcx
        movq %gs:PCPU_SCRATCH, %rax
        .endm

# At an entry from CPL 0 (frame and orig_ax at %rsp): if the current task is a UKL application
# (in_user = 2), the frame is on its user stack: move it to the kernel stack and set in_user = 1.
        .macro UKL_APP_ENTRY_CHECK
        .if UKL_TASKS
        movq %rax, %gs:PCPU_SCRATCH
        movq %gs:PCPU_CURRENT, %rax
        CMP_IN_USER 2, %rax
        movq %gs:PCPU_SCRATCH, %rax
        jne .Lkernel_context\@
        MOVE_FRAME_TO_TASK_STACK 1
.Lkernel_context\@:
        .endif
        .endm

# The common start of interrupt and exception entries: frame and orig_ax at %rsp.
        .macro ENTRY_COMMON
        testb $3, 16(%rsp)                      # interrupted CPL 3: a user task, switch to the kernel GS
        jz .Lcpl0\@
        swapgs
        jmp .Lregs\@
.Lcpl0\@:
        UKL_APP_ENTRY_CHECK
.Lregs\@:
        cld
        PUSH_REGS
        .endm

# An exception without an error code: orig_ax = -1; with one, the CPU pushed it in that slot.
        .macro EXC_NOERR vector
        pushq $-1
        ENTRY_COMMON
        movl $\vector, %edi
        jmp exc_common
        .endm

        .macro EXC_ERR vector
        ENTRY_COMMON
        movl $\vector, %edi
        jmp exc_common
        .endm

        .text
        .globl __entry_text_start
__entry_text_start:
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

        .if UKL_TASKS
# ---------------------------------------------------------------- UKL system calls
# The application calls here at CPL 0 with its own stack and, maybe, interrupts on. Until `cli' an
# interrupt still finds the application context (in_user = 2, the user stack).
        .globl ukl_entry_SYSCALL_64
ukl_entry_SYSCALL_64:
        pushfq                                  # the flags go on the user stack, above them the return address
        cli
        movq %rsp, %rcx                         # the application stack
        movq %gs:PCPU_CURRENT, %r11
        SET_IN_USER 1, %r11
        movq %gs:PCPU_TOP_OF_STACK, %rsp
        pushq $KERNEL_DS                        # pt_regs->ss
        pushq %rcx                              # pt_regs->sp: the flags, then the return address
        pushq (%rcx)                            # pt_regs->flags
        pushq $UKL_CS_MARK                      # pt_regs->cs
        pushq 8(%rcx)                           # pt_regs->ip: the return address
        pushq %rax                              # pt_regs->orig_ax
        movq 8(%rcx), %rcx                      # RCX = return address, R11 = flags, as syscall leaves them
        movq 24(%rsp), %r11
        PUSH_REGS $ENOSYS
        movq %rsp, %rbx
        .if MUTANT_PERCPU_CACHED
        movq %gs:PCPU_SELF, %r12                # MUTANT: this CPU's per-CPU area, kept across the preemptible call
        .endif
        sti
        call do_syscall
        cli
        call exit_to_user_mode_prepare
# The return to the application: %rsp = %rbx = pt_regs, interrupts off, exit work done.
ukl_return_to_app:
        .if MUTANT_PERCPU_CACHED
        movq PCPU_CURRENT(%r12), %rax           # MUTANT: "current" of the CPU the system call started on
        .else
        movq %gs:PCPU_CURRENT, %rax
        .endif
        .if UKL_RETURN_IRET
        SET_IN_USER 2, %rax
        movq $KERNEL_CS, PT_CS(%rsp)
        addq $16, PT_RSP(%rsp)                  # past the flags and the return address
        POP_REGS
        addq $8, %rsp
        iretq                                   # flags, stack and RIP at once: no window
        .elseif MUTANT_POPF_EARLY
        SET_IN_USER 2, %rax
        POP_REGS
        addq $8, %rsp
        pushq 16(%rsp)                          # MUTANT: the flags popped while still on the kernel stack:
        popfq                                   # an interrupt here finds in_user = 2 on the kernel stack
        movq 24(%rsp), %rsp
        leaq 8(%rsp), %rsp                      # the flags word on the user stack
        ret
        .elseif MUTANT_IN_USER_LATE
        POP_REGS
        addq $8, %rsp
        movq 24(%rsp), %rsp
        popfq                                   # MUTANT: interrupts are back on while in_user is still 1
        movq %gs:PCPU_CURRENT, %rcx
        SET_IN_USER 2, %rcx
        movq (%rsp), %rcx                       # RCX = the return address again
        ret
        .else
        SET_IN_USER 2, %rax
        POP_REGS
        addq $8, %rsp
        movq 24(%rsp), %rsp                     # the user stack: the flags, then the return address
        popfq                                   # interrupts back on, with no shadow
        ret
        .endif

# A new UKL task: its pt_regs (ip = the entry point, cs = __KERNEL_CS, the user stack) were prepared
# at creation. %rbx = current, interrupts off.
        .globl ret_from_fork_ukl
ret_from_fork_ukl:
        movq TASK_STACK_TOP(%rbx), %rsp
        subq $PT_SIZE, %rsp
        movq %rsp, %rbx
        call exit_to_user_mode_prepare
        jmp ukl_irq_return_to_app
        .else
        .globl ret_from_fork_ukl
ret_from_fork_ukl:                              # this variant has no UKL tasks
        movl $V_UNEXPECTED, %edi
        movl $HC_VIOLATION, %eax
        vmcall
        ud2
        .endif

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
        ENTRY_COMMON
        movq %rsp, %rbx
        movq PT_ORIG_RAX(%rbx), %rdi
        call handle_irq
        jmp irq_exit

# Common exit of interrupts and exceptions. %rbx = pt_regs, interrupts off.
irq_exit:
        .if MUTANT_USER_MODE_CS
        cmpq $USER_CS, PT_CS(%rbx)              # MUTANT: user_mode() as cs == __USER_CS misses the 0xC3 mark
        je 2f
        .else
        testb $3, PT_CS(%rbx)                   # user_mode(regs): CPL 3, or the RFC's 0xC3 mark
        jnz 2f
        .endif
        .if UKL_TASKS
        .if UKL_KERNEL_CS
        movq %gs:PCPU_TOP_OF_STACK, %rax        # an honest __KERNEL_CS: the application's frame is the
        subq $PT_SIZE, %rax                     # outermost one of a UKL task's kernel stack
        cmpq %rax, %rbx
        jne 1f
        movq %gs:PCPU_CURRENT, %rax
        cmpq $KIND_UKL, TASK_KIND(%rax)
        jne 1f
        call exit_to_user_mode_prepare
        jmp ukl_irq_return_to_app
        .endif
        .endif
1:      call irqentry_exit_to_kernel            # may preempt (full preemption)
        POP_REGS
        addq $8, %rsp
        iretq
2:      call exit_to_user_mode_prepare
        .if UKL_TASKS
        cmpq $USER_CS, PT_CS(%rbx)
        jne ukl_irq_return_to_app
        .endif
        POP_REGS
        addq $8, %rsp
        swapgs
        iretq

        .if UKL_TASKS
# Back to an interrupted application: in_user = 2, then iretq (flags and stack at once). %rbx = pt_regs.
ukl_irq_return_to_app:
        movq $KERNEL_CS, PT_CS(%rbx)
        movq %gs:PCPU_CURRENT, %rax
        SET_IN_USER 2, %rax
        POP_REGS
        addq $8, %rsp
        iretq
        .endif

# ---------------------------------------------------------------- exceptions
asm_exc_divide_error:
        EXC_NOERR VEC_DE
asm_exc_int3:
        EXC_NOERR VEC_BP
asm_exc_invalid_op:
        EXC_NOERR VEC_UD
asm_exc_general_protection:
        EXC_ERR VEC_GP

        .if UKL_PF_IST
# #PF on its own IST stack. From CPL 3 or from a UKL application, the frame moves to the task's
# stack first (as Linux does for IST exceptions from user mode), so the handler may schedule; in
# kernel context it is handled on the IST stack, where nothing may sleep.
asm_exc_page_fault:
        testb $3, 16(%rsp)
        jz 1f
        swapgs
        MOVE_FRAME_TO_TASK_STACK 0
        jmp 3f
1:      movq %rax, %gs:PCPU_SCRATCH
        movq %gs:PCPU_CURRENT, %rax
        CMP_IN_USER 2, %rax
        movq %gs:PCPU_SCRATCH, %rax
        jne 2f
        MOVE_FRAME_TO_TASK_STACK 1
3:      cld
        PUSH_REGS
        movl $VEC_PF, %edi
        jmp exc_common
2:      cld                                     # kernel context: stay on the IST stack
        PUSH_REGS
        movq %rsp, %rbx
        movl $VEC_PF, %edi
        movq %rbx, %rsi
        movq %cr2, %rdx
        movl $HC_FAULT, %eax
        vmcall
        POP_REGS
        addq $8, %rsp
        iretq
        .else
asm_exc_page_fault:
        EXC_ERR VEC_PF
        .endif

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
        vmcall                                  # NMI: nothing to do; #DF: the kernel decides
        .if UKL_DF_HACK
        # the #DF hack: a UKL task's double fault was a page fault on its user stack that had nowhere
        # to push its frame. The kernel grew the stack; return to the faulting instruction.
        cmpl $FAULT_KILL, %eax
        je 3f
        .if MUTANT_DF_SCHEDULES
        cmpl $VEC_DF, %edi
        jne 4f
        cmpq $0, %gs:PCPU_NEED_RESCHED          # MUTANT: cond_resched() while still on the #DF IST stack
        je 4f
        call schedule
4:
        .endif
        .endif
        testl %r15d, %r15d
        jz 2f
        swapgs
2:      POP_REGS
        addq $8, %rsp
        iretq
        .if UKL_DF_HACK
3:      movq %gs:PCPU_TOP_OF_STACK, %rsp        # the task was killed: leave the IST stack for its
        call schedule                           # own before scheduling away for good
        ud2
        .endif

        .globl __entry_text_end
__entry_text_end:

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
        IDT_ENTRY VEC_PF, asm_exc_page_fault, PF_IST
        IDT_ENTRY VEC_DEVICE, asm_common_device
        IDT_ENTRY VEC_TIMER, asm_sysvec_apic_timer
        IDT_ENTRY VEC_CALL_FUNCTION, asm_sysvec_call_function
        IDT_ENTRY VEC_RESCHEDULE, asm_sysvec_reschedule
        IDT_ENTRY VEC_SPURIOUS, asm_spurious
        .quad -1
        .text
