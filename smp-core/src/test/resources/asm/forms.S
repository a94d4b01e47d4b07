# Every instruction form of the subset, for the byte-for-byte comparison with GNU as + ld.
        .set K, 5
        .equ BIG, 0x12345678
        .text
        .globl _start
_start:
        mov $0xffffffff, %rax
        mov $0x7fffffff, %rax
        mov $-1, %rax
        movabs $1, %rax
        movabsq $0x1122334455667788, %r11
        mov $5, %eax
        mov $5, %r9d
        mov $-2, %cx
        mov $7, %r8b
        mov $1, %bpl
        movb $1, (%rax)
        movw $2, 2(%rax)
        movl $3, 4(%rax)
        movq $-1, 8(%rax)
        movq $data1, %rax
        mov %rax, %rbx
        mov %eax, %r12d
        mov %ax, %bx
        mov %sil, %al
        mov (%rax), %rbx
        mov 0(%rax), %rbx
        mov (%rbp), %rax
        mov (%r12), %rax
        mov (%r13), %rax
        mov (%rsp), %rax
        mov 8(%rsp), %rax
        mov -8(%rbp), %rax
        mov 0x100(%rbx), %rcx
        mov (,%rax,8), %rax
        mov (%rax,%rbx,4), %rcx
        mov -8(%rbp,%rcx,8), %rcx
        mov 16(%r8,%r15,2), %r14
        mov 0x1000, %rax
        mov data1, %rax
        mov data1(%rip), %rax
        mov data1+8(%rip), %rax
        mov 8(%rip), %rbx
        mov %rax, data1(%rip)
        mov %gs:8, %rax
        movq %gs:8, %rax
        mov %gs:(%rax), %rcx
        mov %fs:16(%rbx), %edx
        mov %ss, %ax
        mov %ss, %eax
        mov %ax, %ss
        mov %eax, %ss
        mov %rax, %ss
        mov %cr0, %rax
        mov %cr2, %rbx
        mov %cr3, %rax
        mov %rax, %cr3
        mov %r9, %cr4
        mov %cr8, %rax
        movabs 0x1122334455667788, %rax
        movabs %al, 0x1122334455667788
        movzbl %al, %eax
        movzbq (%rax), %rax
        movzbw %cl, %dx
        movzwl (%rax), %eax
        movzwq %r9w, %r10
        movsbw %al, %ax
        movsbl %dil, %esi
        movsbq -1(%rbp), %r8
        movswl %ax, %eax
        movswq (%rsi), %rdi
        movslq %eax, %rax
        movslq 4(%rsp), %r12
        lea 8(%rax), %rbx
        lea data1(%rip), %rsi
        lea (%rax,%rbx,2), %ecx
        lea %gs:8(%rax), %rax
        xchg %rbx, %rcx
        xchg %rcx, %rbx
        xchg %rax, %rbx
        xchg %rbx, %rax
        xchg %eax, %eax
        xchg %rax, %rax
        xchg %ax, %ax
        xchg %eax, %r9d
        xchg %bl, %cl
        xchg %rax, (%rbx)
        xchg (%rbx), %rax
        lock xchg %r10, 8(%rsp)
        push %rax
        push %r12
        push $1
        push $1000
        pushq $-5
        push (%rax)
        pushq 8(%rsp)
        pop %rbx
        pop %r15
        pop 8(%rsp)
        popq (%rax)
        pushfq
        popfq
        pushf
        popf
        add %rax, %rbx
        add %ecx, %edx
        add %r8w, %r9w
        add %al, %bl
        add (%rax), %rbx
        add %rbx, (%rax)
        addq $1, %rax
        addq $200, %rax
        add $200, %al
        add $1, %al
        add $-1, %bl
        add $0x1234, %ax
        add $0x1234, %cx
        add $1000, %eax
        add $1000, %ebx
        add $K, %rax
        add $J, %rax
        addq $1, (%rax)
        addl $1000, 8(%rax)
        addb $1, (%rax)
        addw $1, (%rax)
        or %rax, %rbx
        adc $1, %rcx
        sbb %rdx, %rcx
        and $0xf0, %eax
        and $-16, %rsp
        sub $8, %rsp
        sub $0x1000, %rsp
        xor %eax, %eax
        xor %r15, %r15
        cmp $-1, %eax
        cmp %rax, %rbx
        cmpq $0, (%rdi)
        cmpb $0x7f, 3(%rsi)
        cmp (%rax), %al
        lock addl $1, %gs:(%rax)
        lock addw $1, %gs:(%rax)
        lock incq %gs:8
        lock decl (%rdi)
        lock orq $1, (%rax)
        lock andl %eax, (%rbx)
        lock subq %rcx, 8(%rdx)
        lock xorb $1, (%rax)
        lock negq (%rax)
        lock notl (%rax)
        lock xadd %rax, (%rbx)
        lock xaddl %ecx, 4(%rsp)
        lock cmpxchg %rbx, (%rcx)
        lock cmpxchgb %dl, (%rsi)
        test %rbx, %rcx
        test $1, %rbx
        test $1, %bl
        test $1, %al
        test $0x100, %eax
        test $0x100, %rax
        testq (%rbx), %rax
        test %rax, (%rbx)
        testb $1, (%rax)
        testl $0x80000000, 4(%rax)
        inc %eax
        inc %r8
        incq (%rsp)
        incb (%rax)
        dec %cx
        decq 8(%rax)
        neg %rax
        negl (%rax)
        not %bl
        notq (%rax)
        shl $1, %eax
        shl %eax
        shl $3, %rax
        shl %cl, %rdx
        sal $2, %r9
        shr $3, %rax
        shrl $3, (%rax)
        shrq $1, (%rax)
        sar %cl, %rax
        sar $63, %rdx
        shrb %cl, (%rsi)
        shlw $4, %ax
        imul %rbx, %rax
        imul (%rsi), %ecx
        imul $1000, %rbx, %rax
        imul $10, %rbx
        imul $-3, (%rax), %r8
        imul %rcx
        imulq (%rax)
        imulb %cl
        mul %rbx
        mulq 8(%rsp)
        div %rcx
        divl (%rax)
        idiv %r9
        idivb %bl
        cbtw
        cwtl
        cltq
        cwtd
        cltd
        cqto
        jmp 1f
        jmp 2f
        jmp far_label
1:      je 1b
        jne 1f
        jl 1b
        jle 1b
        jg 1b
        jge 1b
        ja 1b
        jae 1b
        jb 1b
        jbe 1b
        jc 1b
        jnc 1b
        jz 1b
        jnz 1b
        js 1b
        jns 1b
        jo 1b
        jno 1b
        jp 1b
        jnp 1b
        jpe 1b
        jpo 1b
        jnae 1b
        jnbe 1b
        jnge 1b
        jnle 1b
        jng 1b
        jnl 1b
        jna 1b
        jnb 1b
1:      call 2f
        call _start
        call *%rax
        callq *%r11
        call *(%rax)
        call *8(%rbx)
        call *data1(%rip)
        jmp *%rax
        jmpq *(%rax)
        jmp *(%rax,%rcx,8)
        ret
        retq
        ret $8
2:      seta %al
        setne %dil
        sete (%rax)
        setg 1(%rbx)
        setbe %r10b
        cmovne %rbx, %rax
        cmovl %ebx, %eax
        cmovge (%rsi), %rcx
        cmovzw %ax, %bx
        cmovbq %r8, %r9
        xadd %rax, %rbx
        xaddq %rax, (%rbx)
        cmpxchg %rbx, %rcx
        cmpxchgl %ecx, (%rdx)
        syscall
        sysretq
        iretq
        swapgs
        rdgsbase %rax
        rdfsbase %r9
        wrgsbase %rbx
        wrfsbase %r15
        cli
        sti
        hlt
        pause
        rdmsr
        wrmsr
        rdtsc
        rdtscp
        mfence
        lfence
        sfence
        int3
        int $0x80
        ud2
        nop
        nopw 0(%rax,%rax,1)
        nopl 0(%rax)
        vmcall
        clc
        stc
        cmc
        cld
        std
        cpuid
        lidt (%rax)
        lidtq idt_desc(%rip)
        lgdt gdt_desc
        ltr %ax
        ltrw (%rax)
        invlpg (%rax)
        invlpg 4096(%rbx)
        .set J, 7
        .align 16
        nop
        .p2align 5
        ret
        .balign 8, 0xcc
        jmp 1f
        .skip 200, 0x90
1:      jmp 1b
        .skip 130
        jmp 1b
        jmp _start
far_label:
        ret
        lock
        incl (%rax)
        nop; nop ; ret  # two statements and a comment
        /* a block comment */ nop
        .quad far_label
        .long 1, 2, 3
        .byte 0xff, -1, 'a'
        .text
        ret

        .data
data1:  .quad 0x1122334455667788, data1, _start
        .long 0xdeadbeef
        .word 0x1234, -2
        .byte 1, 2, 3
        .align 8
idt_desc:
        .word 4095
        .quad data1
gdt_desc:
        .word 8 * 8 - 1
        .quad gdt
gdt:    .quad 0, 0x00af9a000000ffff
        .ascii "hi\n"
        .asciz "there\t\x41\101"
        .string "str"
        .skip 3
        .zero 2
        .section .data.more
ro:     .quad gdt - data1, (1 << 20) | 3, ~0, 10 / 3, -7 * 2
        .bss
bss1:   .skip 64
bss2:   .zero 8
        .section .note.GNU-stack,"",@progbits

        # macros, as entry_64.S uses them
        .text
        .macro PUSH_PAIR a, b=%rbx
        push \a
        push \b
        .endm
        .macro POP_PAIR a, b=%rbx
        pop \b
        pop \a
        .endm
        .macro SPIN_UNTIL_ZERO reg
1:      test \reg, \reg
        jz 2f
        dec \reg
        jmp 1b
2:
        .endm
macros:
        PUSH_PAIR %rax
        PUSH_PAIR %rcx, %rdx
        POP_PAIR %rcx, %rdx
        POP_PAIR %rax
        SPIN_UNTIL_ZERO %r8
        SPIN_UNTIL_ZERO %r9
        jmp 1b
        ret

        # conditional assembly
        .set FEATURE, 1
        .set OTHER, 0
        .if FEATURE
        mov $1, %rax
        .if OTHER
        mov $2, %rax
        .else
        mov $3, %rax
        .endif
        .elseif OTHER
        mov $4, %rax
        .else
        mov $5, %rax
        .endif
        .ifdef FEATURE
        nop
        .endif
        .ifndef NOT_DEFINED
        inc %rax
        .endif
        .if OTHER
        .elseif FEATURE - 1
        mov $6, %rax
        .elseif 1
        mov $7, %rax
        .endif
        ret
