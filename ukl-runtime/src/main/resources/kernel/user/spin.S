# CPU-bound forever: counts in %rax (fairness measurements stop the run from outside).
        .text
        .globl _start
_start:
        xorl %eax, %eax
1:      incq %rax
        jmp 1b
