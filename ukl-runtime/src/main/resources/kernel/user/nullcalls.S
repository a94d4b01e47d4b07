# Null system calls: getppid RSI times; exits with the sum of the results (RSI, as getppid is 1).
        .text
        .globl _start
_start:                                 # %rdi = thread, %rsi = count
        movq %rsi, %r12
        xorl %r13d, %r13d
1:      movl $SYS_GETPPID, %eax
        ENTER_KERNEL
        addq %rax, %r13
        decq %r12
        jnz 1b
        movq %r13, %rdi
        movl $SYS_EXIT, %eax
        ENTER_KERNEL
        ud2
