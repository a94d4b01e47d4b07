# Bare-metal test prelude: a GDT with Linux's selectors and a 64-bit TSS, an IDT, and helpers to
# fill gates and TSS stacks at run time (GNU as cannot split a label into gate fields at assembly
# time, so this is done the way Linux does it, in code).
        .text
# setup_tables: load GDT, IDT and TR. Clobbers rax, rcx, rdx, r8.
setup_tables:
        lea tss(%rip), %rax          # TSS descriptor at 0x40: base 15:0, 23:16, 31:24, 63:32
        lea gdt(%rip), %r8
        movw $103, 0x40(%r8)
        movw %ax, 0x42(%r8)
        mov %rax, %rcx
        shr $16, %rcx
        movb %cl, 0x44(%r8)
        movb $0x89, 0x45(%r8)        # present, type 9: available 64-bit TSS
        movb $0, 0x46(%r8)
        shr $8, %rcx
        movb %cl, 0x47(%r8)
        shr $8, %rcx
        movl %ecx, 0x48(%r8)
        movl $0, 0x4c(%r8)
        lea gdt(%rip), %rax
        mov %rax, gdt_desc+2(%rip)
        lgdt gdt_desc(%rip)
        lea idt(%rip), %rax
        mov %rax, idt_desc+2(%rip)
        lidt idt_desc(%rip)
        mov $0x40, %ax
        ltr %ax
        ret

# setup_shared_tables: GDT and IDT only (several cores can share them; only one may load the TSS).
setup_shared_tables:
        lea gdt(%rip), %rax
        mov %rax, gdt_desc+2(%rip)
        lgdt gdt_desc(%rip)
        lea idt(%rip), %rax
        mov %rax, idt_desc+2(%rip)
        lidt idt_desc(%rip)
        ret

# set_gate(rdi = vector, rsi = handler, rdx = ist, rcx = type | dpl << 5). Clobbers rax, r8.
set_gate:
        mov %rdi, %rax
        shl $4, %rax
        lea idt(%rip), %r8
        add %rax, %r8
        mov %rsi, %rax
        movw %ax, (%r8)
        movw $0x10, 2(%r8)
        movb %dl, 4(%r8)
        mov %ecx, %eax
        or $0x80, %eax
        movb %al, 5(%r8)
        mov %rsi, %rax
        shr $16, %rax
        movw %ax, 6(%r8)
        shr $16, %rax
        movl %eax, 8(%r8)
        movl $0, 12(%r8)
        ret

# clear_present(rdi = vector): keeps the gate's type but clears P (an #NP on use). Clobbers rax.
clear_present:
        mov %rdi, %rax
        shl $4, %rax
        andb $0x7f, idt+5(%rax)
        ret

# set_ist(rdi = 1..7, rsi = stack top); set_rsp0(rsi = stack top). Clobber rax.
set_ist:
        lea tss+36-8(%rip), %rax
        mov %rsi, (%rax,%rdi,8)
        ret
set_rsp0:
        mov %rsi, tss+4(%rip)
        ret

        .data
        .align 16
gdt:    .quad 0                      # 0x00
        .quad 0x00cf9b000000ffff     # 0x08 __KERNEL32_CS
        .quad 0x00af9b000000ffff     # 0x10 __KERNEL_CS
        .quad 0x00cf93000000ffff     # 0x18 __KERNEL_DS
        .quad 0x00cffb000000ffff     # 0x20 __USER32_CS (0x23)
        .quad 0x00cff3000000ffff     # 0x28 __USER_DS (0x2b)
        .quad 0x00affb000000ffff     # 0x30 __USER_CS (0x33)
        .quad 0                      # 0x38
        .quad 0, 0                   # 0x40 TSS (filled in)
gdt_end:
        .align 16
tss:    .skip 104
        .align 16
idt:    .skip 256 * 16
gdt_desc: .word gdt_end - gdt - 1
        .quad 0
idt_desc: .word 256 * 16 - 1
        .quad 0
