# Waits on a futex nobody wakes: what a lost wakeup looks like. The watchdog must report it.
        .text
        .globl _start
_start:
        leaq word(%rip), %rdi
        movl $FUTEX_WAIT | FUTEX_PRIVATE, %esi
        xorl %edx, %edx
        movl $SYS_FUTEX, %eax
        ENTER_KERNEL
        jmp _start
        .data
        .align 4
word:   .long 0
