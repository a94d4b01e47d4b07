# Recursion to depth RSI with 256 bytes of locals per frame: the user stack grows on demand by
# about RSI * 272 bytes. Exits with the sum of the depths.
        .text
        .globl _start
_start:
        movq %rsi, %rdi
        call down
        movq %rax, %rdi
        movl $SYS_EXIT, %eax
        ENTER_KERNEL
        ud2
down:                                   # down(n) = n + down(n - 1), touching every frame
        testq %rdi, %rdi
        jz 1f
        subq $256, %rsp
        movq %rdi, (%rsp)
        movq %rdi, 248(%rsp)
        decq %rdi
        call down
        addq (%rsp), %rax
        addq $256, %rsp
        ret
1:      xorl %eax, %eax
        ret
