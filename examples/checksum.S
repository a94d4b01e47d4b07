# A CRC-like checksum over a table, a Fibonacci loop and a few multiplies and divides.
# Unprivileged except for the final hlt, so it also runs natively (see NativeCrossCheckTest);
# the registers it ends with do not depend on where it is loaded.
        .text
        .globl _start
_start:
        lea table(%rip), %rsi
        mov $table_len, %ecx
        mov $0xffffffff, %eax
1:      movzbl (%rsi), %edx
        xor %edx, %eax
        mov $8, %r8d
2:      shr $1, %eax
        jnc 3f
        xor $0xedb88320, %eax
3:      dec %r8d
        jnz 2b
        inc %rsi
        dec %ecx
        jnz 1b
        not %eax
        mov %rax, %r12              # r12 = crc32 of the table

        xor %r9, %r9                # r9, r10: Fibonacci
        mov $1, %r10
        mov $90, %ecx
4:      mov %r10, %r11
        add %r9, %r10
        mov %r11, %r9
        dec %ecx
        jnz 4b

        mov %r10, %rax              # 128/64 divide and multiply
        mov $1000003, %rbx
        xor %edx, %edx
        div %rbx
        mov %rdx, %r13              # remainder
        imul $-37, %rax, %r14
        mov %r14, %rax
        mov $-12345, %rbx
        cqto
        idiv %rbx
        mov %rax, %r15

        push %r12                   # stack round trip and flags
        test %r15, %r15             # (idiv leaves the flags undefined)
        pushfq
        pop %rbx
        and $0x8d5, %rbx
        pop %rdx
        sub %r12, %rdx              # 0
        lea -5(%r15,%r13,2), %rbp
        xor %esi, %esi
        xor %ecx, %ecx
        xor %edi, %edi
        xor %r11d, %r11d
        cmp %r13, %r15              # leave defined flags behind
        hlt

        .data
table:  .ascii "The quick brown fox jumps over the lazy dog"
        .set table_len, . - table
