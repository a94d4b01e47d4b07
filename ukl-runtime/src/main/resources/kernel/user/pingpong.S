# Futex ping-pong between threads 0 and 1 of one process: each waits for its turn on a shared word,
# takes it, hands it over and wakes the other. RSI rounds each; exits with its number of turns.
        .text
        .globl _start
_start:                                 # %rdi = thread (0 or 1), %rsi = rounds
        movq %rdi, %r14
        movq %rsi, %r12
        xorl %r13d, %r13d
        leaq turn(%rip), %r15
1:      movl (%r15), %eax
        cmpl %r14d, %eax
        je 2f
        movq %r15, %rdi                 # futex_wait(&turn, the other's number)
        movl $FUTEX_WAIT | FUTEX_PRIVATE, %esi
        movl %eax, %edx
        movl $SYS_FUTEX, %eax
        ENTER_KERNEL
        jmp 1b
2:      incq %r13
        movl %r14d, %eax
        xorl $1, %eax
        movl %eax, (%r15)               # hand the turn over
        movq %r15, %rdi                 # futex_wake(&turn, 1)
        movl $FUTEX_WAKE | FUTEX_PRIVATE, %esi
        movl $1, %edx
        movl $SYS_FUTEX, %eax
        ENTER_KERNEL
        decq %r12
        jnz 1b
        movq %r13, %rdi
        movl $SYS_EXIT, %eax
        ENTER_KERNEL
        ud2
        .data
        .align 4
turn:   .long 0
