# A bit of everything a process does: write to the console, grow the heap with brk and use it,
# sleep, yield. Exits with a checksum of what it read back (Workloads.MIXED_CHECKSUM).
        .text
        .globl _start
_start:
        movl $1, %edi                   # write(1, msg, len)
        leaq msg(%rip), %rsi
        movl $msg_end - msg, %edx
        movl $SYS_WRITE, %eax
        ENTER_KERNEL
        xorl %edi, %edi                 # brk(0): the current break
        movl $SYS_BRK, %eax
        ENTER_KERNEL
        movq %rax, %r12
        leaq 65536(%r12), %rdi          # brk(+64 KiB)
        movl $SYS_BRK, %eax
        ENTER_KERNEL
        xorl %ecx, %ecx                 # fill the new heap: word i = i * 3
1:      leaq (%rcx,%rcx,2), %rax
        movq %rax, (%r12,%rcx,8)
        incq %rcx
        cmpq $8192, %rcx
        jne 1b
        leaq ts(%rip), %rdi             # nanosleep(10 us)
        xorl %esi, %esi
        movl $SYS_NANOSLEEP, %eax
        ENTER_KERNEL
        movl $SYS_SCHED_YIELD, %eax
        ENTER_KERNEL
        xorl %ecx, %ecx                 # sum the heap back
        xorl %ebx, %ebx
2:      addq (%r12,%rcx,8), %rbx
        incq %rcx
        cmpq $8192, %rcx
        jne 2b
        movq %rbx, %rdi
        movl $SYS_EXIT, %eax
        ENTER_KERNEL
        ud2
        .data
msg:    .ascii "hello from user space\n"
msg_end:
        .align 8
ts:     .quad 0, 10000
