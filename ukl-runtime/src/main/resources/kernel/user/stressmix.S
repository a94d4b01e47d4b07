# The stress suite's application. RSI iterations, each: a null system call; every 32nd a compute()
# call of 2,000-4,000 rounds (long enough for ticks to find it inside the kernel, end its slice there
# and let the task move to another CPU); every 16th the stack pointer moves down to a new depth that
# is touched there (the stack grows on demand; for a UKL task at CPL 0 that is a double fault);
# every 128th sched_yield; every 512th a 1 us nanosleep. Every iteration adds 1 to a shared counter (lock add) and leaves the
# thread's running fold in results[thread]. Exits with the fold: with the counter and the results,
# what the oracle compares with a sequential run. Threads: at most 64 per process.
        .text
        .globl _start
_start:                                 # %rdi = thread, %rsi = iterations
        movq %rdi, %r15
        movq %rsi, %r14
        xorl %r13d, %r13d               # i
        xorl %r12d, %r12d               # fold
        movq %rsp, %rbp                 # the stack top, to come back to
        leaq results(%rip), %rbx
1:      cmpq %r14, %r13
        jae 9f
        movl $SYS_GETPPID, %eax
        ENTER_KERNEL
        addq %rax, %r12
        testq $31, %r13
        jnz 2f
        movq %r13, %rdi                 # compute(2000 + (i & 0x1f00) / 4)
        andl $0x1f00, %edi
        shrq $2, %rdi
        addq $2000, %rdi
        movl $SYS_COMPUTE, %eax
        ENTER_KERNEL
        imulq $31, %r12
        addq %rax, %r12
2:      testq $15, %r13
        jnz 3f
        movq %r13, %rax                 # a new stack depth: 64 + (i * 64) mod 512 KiB below the top
        shlq $6, %rax
        andl $0x7ffc0, %eax
        addq $64, %rax
        movq %rbp, %rsp
        subq %rax, %rsp
        movq %r13, (%rsp)               # touches the new depth: the stack grows here
        pushq %r12                      # and a push there
        popq %rcx
        addq (%rsp), %r12
        xorq %rcx, %r12
        movq %rbp, %rsp
3:      testq $127, %r13
        jnz 4f
        movl $SYS_SCHED_YIELD, %eax
        ENTER_KERNEL
4:      testq $511, %r13
        jnz 5f
        leaq ts(%rip), %rdi
        xorl %esi, %esi
        movl $SYS_NANOSLEEP, %eax
        ENTER_KERNEL
5:      lock addq $1, counter(%rip)
        movq %r12, (%rbx,%r15,8)
        incq %r13
        jmp 1b
9:      movq %r12, %rdi
        movl $SYS_EXIT, %eax
        ENTER_KERNEL
        ud2
        .data
        .align 8
ts:     .quad 0, 1000
        .bss
        .align 8
results:
        .skip 8 * 64
counter:
        .skip 8
