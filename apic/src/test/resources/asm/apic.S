# x2APIC helpers for tests (GNU as syntax; MSR numbers from SDM Vol. 3A table 11-6).
        .text
apic_enable:                    # SVR = 0x1ff: software-enable, spurious vector 0xff
        mov $0x80f, %ecx
        mov $0x1ff, %eax
        xor %edx, %edx
        wrmsr
        ret
apic_eoi:
        push %rax
        push %rcx
        push %rdx
        mov $0x80b, %ecx
        xor %eax, %eax
        xor %edx, %edx
        wrmsr
        pop %rdx
        pop %rcx
        pop %rax
        ret
apic_id:                        # rax = this core's x2APIC ID
        push %rcx
        push %rdx
        mov $0x802, %ecx
        rdmsr
        pop %rdx
        pop %rcx
        ret
# apic_send(rdi = destination id, rsi = vector | mode << 8 | shorthand << 18)
apic_send:
        push %rax
        push %rcx
        push %rdx
        mov $0x830, %ecx
        mov %esi, %eax
        mov %edi, %edx
        wrmsr
        pop %rdx
        pop %rcx
        pop %rax
        ret
# apic_tpr(rdi = value)
apic_tpr:
        mov $0x808, %ecx
        mov %edi, %eax
        xor %edx, %edx
        wrmsr
        ret
