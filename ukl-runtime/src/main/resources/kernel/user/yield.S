# sched_yield forever: two of these on one CPU switch back and forth on every call.
        .text
        .globl _start
_start:
1:      movl $SYS_SCHED_YIELD, %eax
        ENTER_KERNEL
        jmp 1b
