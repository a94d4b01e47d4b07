# Kernel-thread workloads: functions called by ret_from_fork with the argument in %rdi, returning
# their result (the thread's exit code) in %rax. They run with interrupts on and may be preempted.

        .text
# kthread_sum(n): the same function as the compute system call, computed in a kernel thread.
        .globl kthread_sum
kthread_sum:
        xorl %eax, %eax
        xorl %edx, %edx
1:      cmpq %rdi, %rdx
        jae 2f
        movq %rdx, %rsi
        imulq %rsi, %rsi
        movq %rdx, %rcx
        shrq $3, %rcx
        xorq %rcx, %rsi
        addq %rsi, %rax
        incq %rdx
        jmp 1b
2:      ret
