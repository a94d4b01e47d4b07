# The compute system call in a loop: RSI calls of compute(n) with n = 2000 + (i mod 7) * 500,
# folded as sum = sum * 31 + result. Exits with the fold (Workloads.computeChecksum).
        .text
        .globl _start
_start:
        movq %rsi, %r12
        xorl %r13d, %r13d               # i
        xorl %r14d, %r14d               # fold
1:      cmpq %r12, %r13
        jae 2f
        movq %r13, %rax
        xorl %edx, %edx
        movl $7, %ecx
        divq %rcx
        imulq $500, %rdx, %rdi
        addq $2000, %rdi
        movl $SYS_COMPUTE, %eax
        ENTER_KERNEL
        imulq $31, %r14
        addq %rax, %r14
        incq %r13
        jmp 1b
2:      movq %r14, %rdi
        movl $SYS_EXIT, %eax
        ENTER_KERNEL
        ud2
