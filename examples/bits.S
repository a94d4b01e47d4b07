# Shifts, conditional moves and sets, sign/zero extension, sub-register merges and locked
# read-modify-writes, folded into a hash. Unprivileged except for the final hlt, so it also
# runs natively (NativeCrossCheckTest). smpsim run examples/bits.S
        .text
        .globl _start
_start:
        mov $0x0123456789abcdef, %r8
        xor %eax, %eax              # rax: running hash
        mov $64, %ecx
1:      mov %r8, %rdx
        sar %cl, %rdx
        mov %r8, %rbx
        shl %cl, %rbx
        xor %rbx, %rdx
        add %rdx, %rax
        mov %rax, %rsi
        shr $13, %rsi
        shl $51, %rax
        or %rsi, %rax
        cmp %rdx, %rax
        setg %sil
        setb %dil
        movzbl %sil, %esi
        movsbq %dil, %rdi
        add %rsi, %rax
        sub %rdi, %rax
        cmovl %rdx, %r9
        cmovae %rbx, %r10
        dec %ecx
        jnz 1b

        lea counter(%rip), %rbx     # locked and unlocked read-modify-write on memory
        movq $5, (%rbx)
        lock addq $7, (%rbx)
        lock incq (%rbx)
        lock decl 4(%rbx)
        mov $100, %ecx
        lock xadd %rcx, (%rbx)      # rcx = old value
        mov (%rbx), %rdx
        mov %rdx, %rax
        lock cmpxchg %rcx, (%rbx)   # succeeds: [rbx] = rcx
        mov $1, %r11
        lock cmpxchg %r11, (%rbx)   # fails: rax = [rbx]
        xchg %r11, 8(%rbx)
        lock orw $0x8001, 2(%rbx)
        lock andb $0xf0, (%rbx)
        lock xorq %rax, 8(%rbx)
        lock negq 8(%rbx)
        lock notl 12(%rbx)
        mov (%rbx), %r12
        mov 8(%rbx), %r13

        mov $-1, %r14               # sub-register merges and zero extension
        movw $0x1234, %r14w
        movb $0x56, %r14b
        mov $-1, %r15
        movl $7, %r15d
        incw %r15w
        negb %r15b

        xor %ebx, %ebx
        xor %esi, %esi
        xor %ecx, %ecx
        imul %r14, %r9
        add %r13, %r12              # leave defined flags behind
        hlt

        .data
        .align 8
counter: .quad 0, 0x1111222233334444
