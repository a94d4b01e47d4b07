package io.smpsim.asm;

import io.smpsim.isa.Cond;
import io.smpsim.isa.Op;
import io.smpsim.isa.Reg;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps an AT&T instruction statement onto an {@link Instr}: picks the operation and operand
 * size the way GNU as does (suffix, else register operands), chooses the encoding GNU as would
 * emit, and fills the decoded-form fields. Everything outside the subset is an error that names
 * what was expected.
 */
final class Matcher {
    private static final Set<String> SUFFIXABLE = Set.of(
        "mov", "movabs", "lea", "xchg", "push", "pop", "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp",
        "test", "inc", "dec", "neg", "not", "shl", "sal", "shr", "sar", "imul", "mul", "div", "idiv", "jmp",
        "call", "ret", "xadd", "cmpxchg", "lidt", "lgdt", "ltr", "invlpg", "nop");

    private static final Map<String, Integer> ALU = Map.of(
        "add", Op.ALU_ADD, "or", Op.ALU_OR, "adc", Op.ALU_ADC, "sbb", Op.ALU_SBB,
        "and", Op.ALU_AND, "sub", Op.ALU_SUB, "xor", Op.ALU_XOR, "cmp", Op.ALU_CMP);

    /** Instructions without operands: the opcode bytes, the decoded op and its sub field. */
    private record Fixed(int[] bytes, boolean rexW, int op, int sub) {}

    private static final Map<String, Fixed> FIXED = Map.ofEntries(
        Map.entry("syscall", new Fixed(new int[] {0x0F, 0x05}, false, Op.SYSCALL, 0)),
        Map.entry("sysretq", new Fixed(new int[] {0x0F, 0x07}, true, Op.SYSRET, 0)),
        Map.entry("iretq", new Fixed(new int[] {0xCF}, true, Op.IRET, 0)),
        Map.entry("swapgs", new Fixed(new int[] {0x0F, 0x01, 0xF8}, false, Op.SWAPGS, 0)),
        Map.entry("cli", new Fixed(new int[] {0xFA}, false, Op.CLI, 0)),
        Map.entry("sti", new Fixed(new int[] {0xFB}, false, Op.STI, 0)),
        Map.entry("hlt", new Fixed(new int[] {0xF4}, false, Op.HLT, 0)),
        Map.entry("pause", new Fixed(new int[] {0xF3, 0x90}, false, Op.PAUSE, 0)),
        Map.entry("rdmsr", new Fixed(new int[] {0x0F, 0x32}, false, Op.RDMSR, 0)),
        Map.entry("wrmsr", new Fixed(new int[] {0x0F, 0x30}, false, Op.WRMSR, 0)),
        Map.entry("rdtsc", new Fixed(new int[] {0x0F, 0x31}, false, Op.RDTSC, 0)),
        Map.entry("rdtscp", new Fixed(new int[] {0x0F, 0x01, 0xF9}, false, Op.RDTSCP, 0)),
        Map.entry("mfence", new Fixed(new int[] {0x0F, 0xAE, 0xF0}, false, Op.MFENCE, 0)),
        Map.entry("lfence", new Fixed(new int[] {0x0F, 0xAE, 0xE8}, false, Op.LFENCE, 0)),
        Map.entry("sfence", new Fixed(new int[] {0x0F, 0xAE, 0xF8}, false, Op.SFENCE, 0)),
        Map.entry("int3", new Fixed(new int[] {0xCC}, false, Op.INT3, 0)),
        Map.entry("ud2", new Fixed(new int[] {0x0F, 0x0B}, false, Op.UD2, 0)),
        Map.entry("vmcall", new Fixed(new int[] {0x0F, 0x01, 0xC1}, false, Op.VMCALL, 0)),
        Map.entry("clc", new Fixed(new int[] {0xF8}, false, Op.FLAGOP, Op.FL_CLC)),
        Map.entry("stc", new Fixed(new int[] {0xF9}, false, Op.FLAGOP, Op.FL_STC)),
        Map.entry("cmc", new Fixed(new int[] {0xF5}, false, Op.FLAGOP, Op.FL_CMC)),
        Map.entry("cld", new Fixed(new int[] {0xFC}, false, Op.FLAGOP, Op.FL_CLD)),
        Map.entry("std", new Fixed(new int[] {0xFD}, false, Op.FLAGOP, Op.FL_STD)),
        Map.entry("cpuid", new Fixed(new int[] {0x0F, 0xA2}, false, Op.CPUID, 0)),
        Map.entry("pushf", new Fixed(new int[] {0x9C}, false, Op.PUSHF, 0)),
        Map.entry("pushfq", new Fixed(new int[] {0x9C}, false, Op.PUSHF, 0)),
        Map.entry("popf", new Fixed(new int[] {0x9D}, false, Op.POPF, 0)),
        Map.entry("popfq", new Fixed(new int[] {0x9D}, false, Op.POPF, 0)),
        Map.entry("cbtw", new Fixed(new int[] {0x98}, false, Op.CONVERT_A, 2)),
        Map.entry("cbw", new Fixed(new int[] {0x98}, false, Op.CONVERT_A, 2)),
        Map.entry("cwtl", new Fixed(new int[] {0x98}, false, Op.CONVERT_A, 4)),
        Map.entry("cwde", new Fixed(new int[] {0x98}, false, Op.CONVERT_A, 4)),
        Map.entry("cltq", new Fixed(new int[] {0x98}, true, Op.CONVERT_A, 8)),
        Map.entry("cdqe", new Fixed(new int[] {0x98}, true, Op.CONVERT_A, 8)),
        Map.entry("cwtd", new Fixed(new int[] {0x99}, false, Op.CONVERT_D, 2)),
        Map.entry("cwd", new Fixed(new int[] {0x99}, false, Op.CONVERT_D, 2)),
        Map.entry("cltd", new Fixed(new int[] {0x99}, false, Op.CONVERT_D, 4)),
        Map.entry("cdq", new Fixed(new int[] {0x99}, false, Op.CONVERT_D, 4)),
        Map.entry("cqto", new Fixed(new int[] {0x99}, true, Op.CONVERT_D, 8)),
        Map.entry("cqo", new Fixed(new int[] {0x99}, true, Op.CONVERT_D, 8)));

    private static final Set<String> MOVX = Set.of(
        "movzbw", "movzbl", "movzbq", "movzwl", "movzwq", "movsbw", "movsbl", "movsbq", "movswl", "movswq",
        "movslq");

    private static final Map<String, String> OUTSIDE = Map.of(
        "sysret", "sysret without `q' returns to 32-bit compatibility mode, which smpsim does not model; "
            + "write sysretq",
        "sysretl", "sysretl returns to 32-bit compatibility mode, which smpsim does not model; write sysretq",
        "iret", "iret without `q' is the 32-bit form; write iretq",
        "iretl", "iretl is the 32-bit form; write iretq");

    private final Expr.Env constEnv;

    Matcher(Expr.Env constEnv) {
        this.constEnv = constEnv;
    }

    private static AsmException err(SourcePos p, String msg) {
        return new AsmException(p, msg);
    }

    private record Name(String base, char suffix) {}

    private static boolean isCc(String m, String prefix) {
        return m.startsWith(prefix) && m.length() > prefix.length()
            && Cond.fromSuffix(m.substring(prefix.length())) >= 0;
    }

    private static boolean exact(String m) {
        return FIXED.containsKey(m) || MOVX.contains(m) || isCc(m, "j") || isCc(m, "set") || isCc(m, "cmov")
            || m.equals("int") || m.equals("rdgsbase") || m.equals("wrgsbase") || m.equals("rdfsbase")
            || m.equals("wrfsbase") || m.equals("lock");
    }

    private static Name split(Stmt.Instruction s) {
        String m = s.mnemonic();
        if (exact(m)) {
            return new Name(m, '\0');
        }
        char last = m.charAt(m.length() - 1);
        if (m.length() > 1 && "bwlq".indexOf(last) >= 0) {
            String base = m.substring(0, m.length() - 1);
            if (SUFFIXABLE.contains(base) || isCc(base, "cmov")) {
                return new Name(base, last);
            }
        }
        if (SUFFIXABLE.contains(m)) {
            return new Name(m, '\0');
        }
        if (OUTSIDE.containsKey(m)) {
            throw err(s.mnemonicPos(), OUTSIDE.get(m));
        }
        throw err(s.mnemonicPos(), "no such instruction: `" + s.text() + "'");
    }

    private static int suffixSize(char c) {
        return switch (c) {
            case 'b' -> 1;
            case 'w' -> 2;
            case 'l' -> 4;
            case 'q' -> 8;
            default -> 0;
        };
    }

    // ---------------------------------------------------------------- entry

    Instr match(Stmt.Instruction s) {
        Name n = split(s);
        Instr in = new Instr(s);
        String b = n.base();
        List<Operand> ops = s.operands();
        for (Operand o : ops) {
            if (o.indirect() && !(b.equals("jmp") || b.equals("call"))) {
                throw err(o.pos(), "`*' is only allowed on the operand of jmp and call");
            }
        }
        if (FIXED.containsKey(b)) {
            Fixed f = FIXED.get(b);
            operands(s, ops, 0, b);
            in.opcode = f.bytes();
            in.rexW = f.rexW();
            in.op = f.op();
            in.sub = f.sub();
            in.size = f.op() == Op.CONVERT_A || f.op() == Op.CONVERT_D ? f.sub() : 8;
            in.p66 = in.size == 2;
        } else if (ALU.containsKey(b)) {
            alu(in, n, ops, ALU.get(b));
        } else if (MOVX.contains(b)) {
            movx(in, b, ops);
        } else if (isCc(b, "j")) {
            operands(s, ops, 1, b);
            branch(in, ops.get(0), Op.JCC, Cond.fromSuffix(b.substring(1)));
        } else if (isCc(b, "set")) {
            setcc(in, b, ops);
        } else if (isCc(b, "cmov")) {
            cmov(in, n, ops);
        } else {
            switch (b) {
                case "mov" -> mov(in, n, ops);
                case "movabs" -> movabs(in, n, ops);
                case "lea" -> lea(in, n, ops);
                case "xchg" -> xchg(in, n, ops);
                case "push" -> push(in, n, ops);
                case "pop" -> pop(in, n, ops);
                case "test" -> test(in, n, ops);
                case "inc" -> unary(in, n, ops, Op.UN_INC, 0xFE, 0);
                case "dec" -> unary(in, n, ops, Op.UN_DEC, 0xFE, 1);
                case "not" -> unary(in, n, ops, Op.UN_NOT, 0xF6, 2);
                case "neg" -> unary(in, n, ops, Op.UN_NEG, 0xF6, 3);
                case "shl", "sal" -> shift(in, n, ops, Op.SH_SHL);
                case "shr" -> shift(in, n, ops, Op.SH_SHR);
                case "sar" -> shift(in, n, ops, Op.SH_SAR);
                case "imul" -> imul(in, n, ops);
                case "mul" -> muldiv(in, n, ops, Op.MD_MUL);
                case "div" -> muldiv(in, n, ops, Op.MD_DIV);
                case "idiv" -> muldiv(in, n, ops, Op.MD_IDIV);
                case "jmp" -> jmpCall(in, n, ops, true);
                case "call" -> jmpCall(in, n, ops, false);
                case "ret" -> ret(in, n, ops);
                case "xadd" -> xaddCmpxchg(in, n, ops, Op.XADD_RR, Op.XADD_MR, Op.XADD_MR_LOCK, 0xC0);
                case "cmpxchg" -> xaddCmpxchg(in, n, ops, Op.CMPXCHG_RR, Op.CMPXCHG_MR, Op.CMPXCHG_MR_LOCK, 0xB0);
                case "rdfsbase" -> segBase(in, ops, Op.RDSEGBASE, Reg.FS_BASE, 0);
                case "rdgsbase" -> segBase(in, ops, Op.RDSEGBASE, Reg.GS_BASE, 1);
                case "wrfsbase" -> segBase(in, ops, Op.WRSEGBASE, Reg.FS_BASE, 2);
                case "wrgsbase" -> segBase(in, ops, Op.WRSEGBASE, Reg.GS_BASE, 3);
                case "lidt" -> tableLoad(in, n, ops, 3, 1);
                case "lgdt" -> tableLoad(in, n, ops, 2, 0);
                case "invlpg" -> invlpg(in, n, ops);
                case "ltr" -> ltr(in, n, ops);
                case "int" -> intN(in, ops);
                case "nop" -> nop(in, n, ops);
                default -> throw err(s.mnemonicPos(), "no such instruction: `" + s.text() + "'");
            }
        }
        if (s.lock()) {
            boolean lockable = (in.flags & Op.F_LOCK) != 0 || in.op == Op.XCHG_RM;
            if (!lockable) {
                throw err(s.pos(), "expecting lockable instruction after `lock': a memory destination of "
                    + "add, adc, and, or, sbb, sub, xor, inc, dec, neg, not, xadd, cmpxchg or xchg");
            }
            in.lock = true;
        }
        return in;
    }

    // ---------------------------------------------------------------- helpers

    private static void operands(Stmt.Instruction s, List<Operand> ops, int n, String name) {
        if (ops.size() != n) {
            throw err(s.mnemonicPos(), "number of operands mismatch for `" + name + "': expected " + n
                + ", found " + ops.size());
        }
    }

    private static void operands(Instr in, List<Operand> ops, int min, int max, String name) {
        if (ops.size() < min || ops.size() > max) {
            String want = min == max ? String.valueOf(min) : min + " to " + max;
            throw err(in.stmt.mnemonicPos(), "number of operands mismatch for `" + name + "': expected " + want
                + ", found " + ops.size());
        }
    }

    private static AsmException mismatch(Instr in, String name) {
        return err(in.stmt.mnemonicPos(), "operand type mismatch for `" + name + "'");
    }

    /** Operand size from the suffix, checked against register operands, else from the registers. */
    private static int size(Instr in, Name n, Operand... ops) {
        int fromSuffix = suffixSize(n.suffix());
        int found = 0;
        for (Operand o : ops) {
            if (o instanceof Operand.Gpr g) {
                int sz = g.reg().size();
                if (fromSuffix != 0 && sz != fromSuffix) {
                    throw err(o.pos(), "incorrect register `%" + g.reg().name() + "' used with `" + n.suffix()
                        + "' suffix");
                }
                if (found != 0 && sz != found) {
                    throw err(o.pos(), "operand size mismatch for `" + n.base() + "': `%" + g.reg().name()
                        + "' is " + (sz * 8) + "-bit, another operand is " + (found * 8) + "-bit");
                }
                found = sz;
            }
        }
        if (fromSuffix != 0) {
            return fromSuffix;
        }
        if (found == 0) {
            throw err(in.stmt.mnemonicPos(), "no instruction mnemonic suffix given and no register operands; "
                + "can't size `" + n.base() + "' (add a b, w, l or q suffix)");
        }
        return found;
    }

    private static void sizePrefixes(Instr in, int size) {
        in.size = size;
        in.p66 = size == 2;
        in.rexW = size == 8;
    }

    private static void byteRegRex(Instr in, Operand... ops) {
        for (Operand o : ops) {
            if (o instanceof Operand.Gpr g && g.reg().size() == 1 && g.reg().num() >= 4 && g.reg().num() < 8) {
                in.forceRex = true;
            }
        }
    }

    private boolean isConst(Expr e) {
        return e.isConstant(constEnv);
    }

    private long constValue(Expr e) {
        return e.eval(constEnv);
    }

    private static boolean fitsS8(long v) {
        return v >= -128 && v <= 127;
    }

    private static boolean fitsS32(long v) {
        return v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE;
    }

    /** Checks a constant immediate against the field it is encoded in. */
    private void checkImm(Instr in, Operand.Imm imm, int fieldSize, boolean signExtendedTo64) {
        if (!isConst(imm.value())) {
            return; // checked when the symbol is resolved
        }
        long v = constValue(imm.value());
        boolean ok = switch (fieldSize) {
            case 1 -> v >= -128 && v <= 255;
            case 2 -> v >= -32768 && v <= 65535;
            case 4 -> signExtendedTo64 ? fitsS32(v) : (v >= Integer.MIN_VALUE && v <= 0xFFFFFFFFL);
            default -> true;
        };
        if (!ok) {
            String field = signExtendedTo64 ? "a sign-extended 32-bit" : "a " + (fieldSize * 8) + "-bit";
            throw err(imm.pos(), "immediate 0x" + Long.toHexString(v) + " does not fit in " + field + " field of `"
                + in.stmt.mnemonic() + "'" + (signExtendedTo64 && in.op == Op.MOV_MI ? "" : ""));
        }
    }

    private void setImm(Instr in, Operand.Imm imm, int fieldSize, boolean signExtendedTo64) {
        checkImm(in, imm, fieldSize, signExtendedTo64);
        in.immSize = fieldSize;
        in.immEncoded = imm.value();
        in.immSignedCheck = signExtendedTo64;
        in.immValue = imm.value();
    }

    /** Puts a memory operand into ModRM.rm and the decoded form, choosing the displacement size. */
    private void setMem(Instr in, Operand.Mem m) {
        in.mem = m;
        in.modrmMem = m;
        switch (m.segment()) {
            case 0 -> in.segPrefix = 0x26;
            case 1 -> in.segPrefix = 0x2E;
            case 2 -> in.segPrefix = 0x36;
            case 3 -> in.segPrefix = 0x3E;
            case 4 -> in.segPrefix = 0x64;
            case 5 -> in.segPrefix = 0x65;
            default -> in.segPrefix = 0;
        }
        if (m.base() != null && (m.base().num() == Reg.RSP || m.base().num() == Reg.RBP)) {
            in.flags |= Op.F_STACK_SEG;
        }
        if (m.ripRelative()) {
            in.dispSize = 4;
            in.ripConstant = m.disp() == null || isConst(m.disp());
            return;
        }
        if (m.base() == null) {
            in.dispSize = 4;
            if (m.disp() != null && isConst(m.disp()) && !fitsS32(constValue(m.disp()))) {
                throw err(m.pos(), "address 0x" + Long.toHexString(constValue(m.disp()))
                    + " does not fit in a sign-extended 32-bit displacement (use movabs for a 64-bit address)");
            }
            return;
        }
        boolean needsDisp = (m.base().num() & 7) == Reg.RBP;
        if (m.disp() == null) {
            in.dispSize = needsDisp ? 1 : 0;
        } else if (isConst(m.disp())) {
            long v = constValue(m.disp());
            if (v == 0 && !needsDisp) {
                in.dispSize = 0;
            } else if (fitsS8(v)) {
                in.dispSize = 1;
            } else if (fitsS32(v)) {
                in.dispSize = 4;
            } else {
                throw err(m.pos(), "displacement 0x" + Long.toHexString(v) + " does not fit in 32 bits");
            }
        } else {
            in.dispSize = 4;
        }
    }

    private static Operand.Mem memOf(Operand o) {
        return o instanceof Operand.Mem m ? m : null;
    }

    // ---------------------------------------------------------------- instruction families

    private void mov(Instr in, Name n, List<Operand> ops) {
        operands(in, ops, 2, 2, "mov");
        Operand src = ops.get(0);
        Operand dst = ops.get(1);
        if (src instanceof Operand.Sreg sr) {
            if (!(dst instanceof Operand.Gpr g) || g.reg().size() == 1) {
                throw err(dst.pos(), "mov from a segment register needs a 16-, 32- or 64-bit register destination");
            }
            size(in, n, dst);
            in.op = Op.MOV_FROM_SREG;
            in.size = g.reg().size();
            in.p66 = in.size == 2;
            in.opcode = new int[] {0x8C};
            in.modrmReg = sr.num();
            in.modrmRmReg = g.reg().num();
            in.ra = g.reg().num();
            in.sub = sr.num();
            return;
        }
        if (dst instanceof Operand.Sreg sr) {
            if (sr.num() != 2 && sr.num() != 0 && sr.num() != 3) {
                throw err(dst.pos(), "only %ss, %ds and %es can be loaded with mov; `%" + sr.name()
                    + "' is outside the subset" + (sr.num() >= 4 ? " (write its base with wr" + sr.name() + "base)" : ""));
            }
            if (!(src instanceof Operand.Gpr g) || g.reg().size() == 1) {
                throw err(src.pos(), "mov to a segment register takes a 16-, 32- or 64-bit register in the subset");
            }
            size(in, n, src);
            in.op = Op.MOV_TO_SREG;
            in.size = 2;
            in.opcode = new int[] {0x8E};
            in.modrmReg = sr.num();
            in.modrmRmReg = g.reg().num();
            in.rb = g.reg().num();
            in.sub = sr.num();
            return;
        }
        if (src instanceof Operand.Creg cr) {
            if (!(dst instanceof Operand.Gpr g) || g.reg().size() != 8) {
                throw err(dst.pos(), "mov from a control register needs a 64-bit register destination");
            }
            in.op = Op.MOV_FROM_CR;
            in.size = 8;
            in.opcode = new int[] {0x0F, 0x20};
            in.modrmReg = cr.num();
            in.modrmRmReg = g.reg().num();
            in.ra = g.reg().num();
            in.sub = cr.num();
            return;
        }
        if (dst instanceof Operand.Creg cr) {
            if (!(src instanceof Operand.Gpr g) || g.reg().size() != 8) {
                throw err(src.pos(), "mov to a control register needs a 64-bit register source");
            }
            in.op = Op.MOV_TO_CR;
            in.size = 8;
            in.opcode = new int[] {0x0F, 0x22};
            in.modrmReg = cr.num();
            in.modrmRmReg = g.reg().num();
            in.rb = g.reg().num();
            in.sub = cr.num();
            return;
        }
        if (src instanceof Operand.Mem && dst instanceof Operand.Mem) {
            throw err(dst.pos(), "too many memory references for `mov'");
        }
        int size = size(in, n, src, dst);
        sizePrefixes(in, size);
        byteRegRex(in, src, dst);
        if (src instanceof Operand.Imm imm) {
            if (dst instanceof Operand.Gpr g) {
                in.op = Op.MOV_RI;
                in.ra = g.reg().num();
                in.immValue = imm.value();
                if (size == 8) {
                    boolean wide = isConst(imm.value()) && !fitsS32(constValue(imm.value()));
                    if (wide) {
                        in.opcode = new int[] {0xB8};
                        in.opcodeReg = g.reg().num();
                        in.immSize = 8;
                        in.immEncoded = imm.value();
                    } else {
                        in.opcode = new int[] {0xC7};
                        in.modrmReg = 0;
                        in.modrmRmReg = g.reg().num();
                        setImm(in, imm, 4, true);
                    }
                } else {
                    in.opcode = new int[] {size == 1 ? 0xB0 : 0xB8};
                    in.opcodeReg = g.reg().num();
                    setImm(in, imm, size, false);
                }
            } else if (dst instanceof Operand.Mem m) {
                in.op = Op.MOV_MI;
                setMem(in, m);
                in.opcode = new int[] {size == 1 ? 0xC6 : 0xC7};
                in.modrmReg = 0;
                setImm(in, imm, Math.min(size, 4), size == 8);
            } else {
                throw mismatch(in, "mov");
            }
            return;
        }
        if (src instanceof Operand.Gpr s && dst instanceof Operand.Gpr d) {
            in.op = Op.MOV_RR;
            in.ra = d.reg().num();
            in.rb = s.reg().num();
            in.opcode = new int[] {size == 1 ? 0x88 : 0x89};
            in.modrmReg = s.reg().num();
            in.modrmRmReg = d.reg().num();
        } else if (src instanceof Operand.Mem m && dst instanceof Operand.Gpr d) {
            in.op = Op.MOV_RM;
            in.ra = d.reg().num();
            setMem(in, m);
            in.opcode = new int[] {size == 1 ? 0x8A : 0x8B};
            in.modrmReg = d.reg().num();
        } else if (src instanceof Operand.Gpr s && dst instanceof Operand.Mem m) {
            in.op = Op.MOV_MR;
            in.rb = s.reg().num();
            setMem(in, m);
            in.opcode = new int[] {size == 1 ? 0x88 : 0x89};
            in.modrmReg = s.reg().num();
        } else if (src instanceof Operand.Mem && dst instanceof Operand.Mem) {
            throw err(dst.pos(), "too many memory references for `mov'");
        } else {
            throw mismatch(in, "mov");
        }
    }

    private void movabs(Instr in, Name n, List<Operand> ops) {
        operands(in, ops, 2, 2, "movabs");
        Operand src = ops.get(0);
        Operand dst = ops.get(1);
        if (src instanceof Operand.Imm imm && dst instanceof Operand.Gpr g) {
            if (g.reg().size() != 8) {
                throw err(dst.pos(), "movabs with an immediate needs a 64-bit register destination");
            }
            size(in, n, dst);
            sizePrefixes(in, 8);
            in.op = Op.MOV_RI;
            in.ra = g.reg().num();
            in.opcode = new int[] {0xB8};
            in.opcodeReg = g.reg().num();
            in.immSize = 8;
            in.immEncoded = imm.value();
            in.immValue = imm.value();
            return;
        }
        Operand.Mem m = memOf(src) != null ? memOf(src) : memOf(dst);
        Operand other = m == src ? dst : src;
        if (m == null || !(other instanceof Operand.Gpr g) || g.reg().num() != Reg.RAX
                || m.base() != null || m.index() != null || m.ripRelative() || m.disp() == null) {
            throw err(in.stmt.mnemonicPos(), "movabs takes $imm64,%r64, or a 64-bit absolute address and "
                + "%al/%ax/%eax/%rax");
        }
        int size = size(in, n, other);
        sizePrefixes(in, size);
        in.mem = m;
        in.moffs = true;
        if (m.segment() == 4) {
            in.segPrefix = 0x64;
        } else if (m.segment() == 5) {
            in.segPrefix = 0x65;
        }
        boolean load = m == src;
        in.op = load ? Op.MOV_RM : Op.MOV_MR;
        if (load) {
            in.ra = Reg.RAX;
        } else {
            in.rb = Reg.RAX;
        }
        in.opcode = new int[] {(load ? 0xA0 : 0xA2) + (size == 1 ? 0 : 1)};
        in.immSize = 8;
        in.immEncoded = m.disp();
    }

    private void movx(Instr in, String b, List<Operand> ops) {
        operands(in, ops, 2, 2, b);
        int srcSize = b.equals("movslq") ? 4 : suffixSize(b.charAt(4));
        int dstSize = suffixSize(b.charAt(5));
        boolean signed = b.charAt(3) == 's';
        Operand src = ops.get(0);
        Operand dst = ops.get(1);
        if (!(dst instanceof Operand.Gpr d) || d.reg().size() != dstSize) {
            throw err(dst.pos(), "`" + b + "' needs a " + (dstSize * 8) + "-bit register destination");
        }
        in.ra = d.reg().num();
        in.size = dstSize;
        in.p66 = dstSize == 2;
        in.rexW = dstSize == 8;
        in.sub = srcSize | (signed ? Op.MOVX_SIGNED : 0);
        byteRegRex(in, src, dst);
        if (srcSize == 4) {
            in.opcode = new int[] {0x63};
        } else {
            in.opcode = new int[] {0x0F, (signed ? 0xBE : 0xB6) + (srcSize == 2 ? 1 : 0)};
        }
        in.modrmReg = d.reg().num();
        if (src instanceof Operand.Gpr s) {
            if (s.reg().size() != srcSize) {
                throw err(src.pos(), "`" + b + "' needs a " + (srcSize * 8) + "-bit register source");
            }
            in.op = Op.MOVX_RR;
            in.rb = s.reg().num();
            in.modrmRmReg = s.reg().num();
        } else if (src instanceof Operand.Mem m) {
            in.op = Op.MOVX_RM;
            setMem(in, m);
        } else {
            throw mismatch(in, b);
        }
    }

    private void lea(Instr in, Name n, List<Operand> ops) {
        operands(in, ops, 2, 2, "lea");
        if (!(ops.get(0) instanceof Operand.Mem m) || !(ops.get(1) instanceof Operand.Gpr d)) {
            throw mismatch(in, "lea");
        }
        int size = size(in, n, d);
        if (size == 1) {
            throw err(d.pos(), "lea needs a 16-, 32- or 64-bit register destination");
        }
        sizePrefixes(in, size);
        in.op = Op.LEA;
        in.ra = d.reg().num();
        setMem(in, m);
        in.opcode = new int[] {0x8D};
        in.modrmReg = d.reg().num();
    }

    private void xchg(Instr in, Name n, List<Operand> ops) {
        operands(in, ops, 2, 2, "xchg");
        Operand a = ops.get(0);
        Operand c = ops.get(1);
        int size = size(in, n, a, c);
        sizePrefixes(in, size);
        byteRegRex(in, a, c);
        if (a instanceof Operand.Gpr x && c instanceof Operand.Gpr y) {
            in.op = Op.XCHG_RR;
            in.ra = y.reg().num();
            in.rb = x.reg().num();
            int xn = x.reg().num();
            int yn = y.reg().num();
            if (size > 1 && (xn == 0 || yn == 0) && !(size == 4 && xn == 0 && yn == 0)) {
                in.opcode = new int[] {0x90};
                in.opcodeReg = xn == 0 ? yn : xn;
                if (xn == 0 && yn == 0) {
                    in.rexW = false; // GNU as emits a plain nop for xchg %rax,%rax
                }
            } else {
                in.opcode = new int[] {size == 1 ? 0x86 : 0x87};
                in.modrmReg = xn;
                in.modrmRmReg = yn;
            }
            return;
        }
        Operand.Mem m = memOf(a) != null ? memOf(a) : memOf(c);
        Operand r = m == a ? c : a;
        if (m == null || !(r instanceof Operand.Gpr g)) {
            throw mismatch(in, "xchg");
        }
        in.op = Op.XCHG_RM;
        in.ra = g.reg().num();
        setMem(in, m);
        in.opcode = new int[] {size == 1 ? 0x86 : 0x87};
        in.modrmReg = g.reg().num();
    }

    private void push(Instr in, Name n, List<Operand> ops) {
        operands(in, ops, 1, 1, "push");
        Operand o = ops.get(0);
        if (n.suffix() != '\0' && n.suffix() != 'q') {
            throw err(in.stmt.mnemonicPos(), "invalid instruction suffix for `push': the subset pushes 64 bits");
        }
        in.size = 8;
        if (o instanceof Operand.Gpr g) {
            if (g.reg().size() != 8) {
                throw err(o.pos(), "push takes a 64-bit register in 64-bit mode, not `%" + g.reg().name() + "'");
            }
            in.op = Op.PUSH_R;
            in.rb = g.reg().num();
            in.opcode = new int[] {0x50};
            in.opcodeReg = g.reg().num();
        } else if (o instanceof Operand.Imm imm) {
            in.op = Op.PUSH_I;
            in.immValue = imm.value();
            boolean short8 = isConst(imm.value()) && fitsS8(constValue(imm.value()));
            in.opcode = new int[] {short8 ? 0x6A : 0x68};
            setImm(in, imm, short8 ? 1 : 4, true);
        } else if (o instanceof Operand.Mem m) {
            in.op = Op.PUSH_M;
            setMem(in, m);
            in.opcode = new int[] {0xFF};
            in.modrmReg = 6;
        } else {
            throw mismatch(in, "push");
        }
    }

    private void pop(Instr in, Name n, List<Operand> ops) {
        operands(in, ops, 1, 1, "pop");
        Operand o = ops.get(0);
        if (n.suffix() != '\0' && n.suffix() != 'q') {
            throw err(in.stmt.mnemonicPos(), "invalid instruction suffix for `pop': the subset pops 64 bits");
        }
        in.size = 8;
        if (o instanceof Operand.Gpr g) {
            if (g.reg().size() != 8) {
                throw err(o.pos(), "pop takes a 64-bit register in 64-bit mode, not `%" + g.reg().name() + "'");
            }
            in.op = Op.POP_R;
            in.ra = g.reg().num();
            in.opcode = new int[] {0x58};
            in.opcodeReg = g.reg().num();
        } else if (o instanceof Operand.Mem m) {
            in.op = Op.POP_M;
            setMem(in, m);
            in.opcode = new int[] {0x8F};
            in.modrmReg = 0;
        } else {
            throw mismatch(in, "pop");
        }
    }

    private void alu(Instr in, Name n, List<Operand> ops, int aluOp) {
        String name = n.base();
        operands(in, ops, 2, 2, name);
        Operand src = ops.get(0);
        Operand dst = ops.get(1);
        if (src instanceof Operand.Mem && dst instanceof Operand.Mem) {
            throw err(dst.pos(), "too many memory references for `" + name + "'");
        }
        int size = size(in, n, src, dst);
        sizePrefixes(in, size);
        byteRegRex(in, src, dst);
        in.sub = aluOp;
        int base = aluOp * 8;
        boolean lockable = aluOp != Op.ALU_CMP;
        if (src instanceof Operand.Imm imm) {
            boolean acc = dst instanceof Operand.Gpr g0 && g0.reg().num() == Reg.RAX;
            boolean short8 = size > 1 && isConst(imm.value()) && fitsS8(constValue(imm.value()));
            if (dst instanceof Operand.Gpr g) {
                in.op = Op.ALU_RI;
                in.ra = g.reg().num();
            } else if (dst instanceof Operand.Mem m) {
                in.op = in.stmt.lock() && lockable ? Op.ALU_MI_LOCK : Op.ALU_MI;
                if (lockable) {
                    in.flags |= Op.F_LOCK;
                }
                setMem(in, m);
                acc = false;
            } else {
                throw mismatch(in, name);
            }
            if (size == 1) {
                if (acc) {
                    in.opcode = new int[] {base + 4};
                } else {
                    in.opcode = new int[] {0x80};
                    in.modrmReg = aluOp;
                    in.modrmRmReg = in.mem == null ? in.ra : -1;
                }
                setImm(in, imm, 1, false);
            } else if (short8) {
                in.opcode = new int[] {0x83};
                in.modrmReg = aluOp;
                in.modrmRmReg = in.mem == null ? in.ra : -1;
                setImm(in, imm, 1, false);
            } else {
                if (acc) {
                    in.opcode = new int[] {base + 5};
                } else {
                    in.opcode = new int[] {0x81};
                    in.modrmReg = aluOp;
                    in.modrmRmReg = in.mem == null ? in.ra : -1;
                }
                setImm(in, imm, size == 2 ? 2 : 4, size == 8);
            }
            return;
        }
        if (src instanceof Operand.Gpr s && dst instanceof Operand.Gpr d) {
            in.op = Op.ALU_RR;
            in.ra = d.reg().num();
            in.rb = s.reg().num();
            in.opcode = new int[] {base + (size == 1 ? 0 : 1)};
            in.modrmReg = s.reg().num();
            in.modrmRmReg = d.reg().num();
        } else if (src instanceof Operand.Mem m && dst instanceof Operand.Gpr d) {
            in.op = Op.ALU_RM;
            in.ra = d.reg().num();
            setMem(in, m);
            in.opcode = new int[] {base + (size == 1 ? 2 : 3)};
            in.modrmReg = d.reg().num();
        } else if (src instanceof Operand.Gpr s && dst instanceof Operand.Mem m) {
            in.op = in.stmt.lock() && lockable ? Op.ALU_MR_LOCK : Op.ALU_MR;
            if (lockable) {
                in.flags |= Op.F_LOCK;
            }
            in.rb = s.reg().num();
            setMem(in, m);
            in.opcode = new int[] {base + (size == 1 ? 0 : 1)};
            in.modrmReg = s.reg().num();
        } else if (src instanceof Operand.Mem && dst instanceof Operand.Mem) {
            throw err(dst.pos(), "too many memory references for `" + name + "'");
        } else {
            throw mismatch(in, name);
        }
    }

    private void test(Instr in, Name n, List<Operand> ops) {
        operands(in, ops, 2, 2, "test");
        Operand src = ops.get(0);
        Operand dst = ops.get(1);
        int size = size(in, n, src, dst);
        sizePrefixes(in, size);
        byteRegRex(in, src, dst);
        in.sub = Op.ALU_TEST;
        if (src instanceof Operand.Imm imm) {
            if (dst instanceof Operand.Gpr g) {
                in.op = Op.ALU_RI;
                in.ra = g.reg().num();
                if (g.reg().num() == Reg.RAX) {
                    in.opcode = new int[] {size == 1 ? 0xA8 : 0xA9};
                } else {
                    in.opcode = new int[] {size == 1 ? 0xF6 : 0xF7};
                    in.modrmReg = 0;
                    in.modrmRmReg = g.reg().num();
                }
            } else if (dst instanceof Operand.Mem m) {
                in.op = Op.ALU_MI;
                setMem(in, m);
                in.opcode = new int[] {size == 1 ? 0xF6 : 0xF7};
                in.modrmReg = 0;
            } else {
                throw mismatch(in, "test");
            }
            setImm(in, imm, Math.min(size, 4), size == 8);
            return;
        }
        in.opcode = new int[] {size == 1 ? 0x84 : 0x85};
        if (src instanceof Operand.Gpr s && dst instanceof Operand.Gpr d) {
            in.op = Op.ALU_RR;
            in.ra = d.reg().num();
            in.rb = s.reg().num();
            in.modrmReg = s.reg().num();
            in.modrmRmReg = d.reg().num();
            return;
        }
        Operand.Mem m = memOf(src) != null ? memOf(src) : memOf(dst);
        Operand r = m == src ? dst : src;
        if (m == null || !(r instanceof Operand.Gpr g)) {
            throw mismatch(in, "test");
        }
        in.op = Op.ALU_RM;
        in.ra = g.reg().num();
        setMem(in, m);
        in.modrmReg = g.reg().num();
    }

    private void unary(Instr in, Name n, List<Operand> ops, int unOp, int opcode8, int digit) {
        operands(in, ops, 1, 1, n.base());
        Operand o = ops.get(0);
        int size = size(in, n, o);
        sizePrefixes(in, size);
        byteRegRex(in, o);
        in.sub = unOp;
        in.opcode = new int[] {opcode8 + (size == 1 ? 0 : 1)};
        in.modrmReg = digit;
        if (o instanceof Operand.Gpr g) {
            in.op = Op.UN_R;
            in.ra = g.reg().num();
            in.modrmRmReg = g.reg().num();
        } else if (o instanceof Operand.Mem m) {
            in.op = in.stmt.lock() ? Op.UN_M_LOCK : Op.UN_M;
            in.flags |= Op.F_LOCK;
            setMem(in, m);
        } else {
            throw mismatch(in, n.base());
        }
    }

    private void shift(Instr in, Name n, List<Operand> ops, int shOp) {
        operands(in, ops, 1, 2, n.base());
        Operand dst = ops.get(ops.size() - 1);
        int size = size(in, n, dst);
        sizePrefixes(in, size);
        byteRegRex(in, dst);
        in.sub = shOp;
        in.modrmReg = shOp;
        int w = size == 1 ? 0 : 1;
        if (ops.size() == 1) {
            in.opcode = new int[] {0xD0 + w};
            in.immValue = new Expr.Num(1, dst.pos());
        } else {
            Operand cnt = ops.get(0);
            if (cnt instanceof Operand.Gpr g && g.reg().num() == Reg.RCX && g.reg().size() == 1) {
                in.opcode = new int[] {0xD2 + w};
                in.flags |= Op.F_CL;
            } else if (cnt instanceof Operand.Imm imm) {
                in.immValue = imm.value();
                if (isConst(imm.value()) && constValue(imm.value()) == 1) {
                    in.opcode = new int[] {0xD0 + w};
                } else {
                    in.opcode = new int[] {0xC0 + w};
                    setImm(in, imm, 1, false);
                }
            } else {
                throw err(cnt.pos(), "shift count must be an immediate or %cl");
            }
        }
        if (dst instanceof Operand.Gpr g) {
            in.op = Op.SHIFT_R;
            in.ra = g.reg().num();
            in.modrmRmReg = g.reg().num();
        } else if (dst instanceof Operand.Mem m) {
            in.op = Op.SHIFT_M;
            setMem(in, m);
        } else {
            throw mismatch(in, n.base());
        }
    }

    private void imul(Instr in, Name n, List<Operand> ops) {
        operands(in, ops, 1, 3, "imul");
        if (ops.size() == 1) {
            muldiv(in, n, ops, Op.MD_IMUL);
            return;
        }
        Operand dst = ops.get(ops.size() - 1);
        Operand.Imm imm = ops.get(0) instanceof Operand.Imm i ? i : null;
        Operand src = ops.size() == 3 ? ops.get(1) : (imm != null ? dst : ops.get(0));
        if (ops.size() == 3 && imm == null) {
            throw err(ops.get(0).pos(), "three-operand imul takes an immediate first");
        }
        if (!(dst instanceof Operand.Gpr d)) {
            throw err(dst.pos(), "imul needs a register destination");
        }
        int size = size(in, n, src, dst);
        if (size == 1) {
            throw err(dst.pos(), "two- and three-operand imul take 16-, 32- or 64-bit registers");
        }
        sizePrefixes(in, size);
        in.ra = d.reg().num();
        in.modrmReg = d.reg().num();
        if (src instanceof Operand.Gpr s) {
            in.op = Op.IMUL_RR;
            in.rb = s.reg().num();
            in.modrmRmReg = s.reg().num();
        } else if (src instanceof Operand.Mem m) {
            in.op = Op.IMUL_RM;
            setMem(in, m);
        } else {
            throw mismatch(in, "imul");
        }
        if (imm != null) {
            in.flags |= Op.F_HAS_IMM;
            boolean short8 = isConst(imm.value()) && fitsS8(constValue(imm.value()));
            in.opcode = new int[] {short8 ? 0x6B : 0x69};
            setImm(in, imm, short8 ? 1 : (size == 2 ? 2 : 4), size == 8);
        } else {
            in.opcode = new int[] {0x0F, 0xAF};
        }
    }

    private void muldiv(Instr in, Name n, List<Operand> ops, int mdOp) {
        operands(in, ops, 1, 1, n.base());
        Operand o = ops.get(0);
        int size = size(in, n, o);
        sizePrefixes(in, size);
        byteRegRex(in, o);
        in.sub = mdOp;
        in.opcode = new int[] {size == 1 ? 0xF6 : 0xF7};
        in.modrmReg = mdOp;
        if (o instanceof Operand.Gpr g) {
            in.op = Op.MULDIV_R;
            in.rb = g.reg().num();
            in.modrmRmReg = g.reg().num();
        } else if (o instanceof Operand.Mem m) {
            in.op = Op.MULDIV_M;
            setMem(in, m);
        } else {
            throw mismatch(in, n.base());
        }
    }

    private void branch(Instr in, Operand o, int op, int cc) {
        if (!(o instanceof Operand.Mem m) || !m.isBareExpression() || o.indirect()) {
            throw err(o.pos(), "expected a branch target (a label or address)");
        }
        in.op = op;
        in.sub = cc;
        in.size = 8;
        in.target = m.disp();
        if (op == Op.JCC) {
            in.shortOpcode = new int[] {0x70 + cc};
            in.nearOpcode = new int[] {0x0F, 0x80 + cc};
        } else {
            in.shortOpcode = new int[] {0xEB};
            in.nearOpcode = new int[] {0xE9};
        }
        if (isConst(m.disp())) {
            in.makeNear();
        } else {
            in.relaxable = true;
            in.relSize = 1;
            in.opcode = in.shortOpcode;
        }
    }

    private void jmpCall(Instr in, Name n, List<Operand> ops, boolean jmp) {
        String name = jmp ? "jmp" : "call";
        operands(in, ops, 1, 1, name);
        if (n.suffix() != '\0' && n.suffix() != 'q') {
            throw err(in.stmt.mnemonicPos(), "invalid instruction suffix for `" + name + "'");
        }
        Operand o = ops.get(0);
        in.size = 8;
        if (o.indirect()) {
            in.opcode = new int[] {0xFF};
            in.modrmReg = jmp ? 4 : 2;
            if (o instanceof Operand.Gpr g) {
                if (g.reg().size() != 8) {
                    throw err(o.pos(), "indirect " + name + " takes a 64-bit register");
                }
                in.op = jmp ? Op.JMP_R : Op.CALL_R;
                in.rb = g.reg().num();
                in.modrmRmReg = g.reg().num();
            } else if (o instanceof Operand.Mem m) {
                in.op = jmp ? Op.JMP_M : Op.CALL_M;
                setMem(in, m);
            } else {
                throw mismatch(in, name);
            }
            return;
        }
        if (o instanceof Operand.Gpr) {
            throw err(o.pos(), "indirect " + name + " needs `*' before its operand");
        }
        if (jmp) {
            branch(in, o, Op.JMP, 0);
        } else {
            if (!(o instanceof Operand.Mem m) || !m.isBareExpression()) {
                throw err(o.pos(), "expected a call target (a label or address), or `*' for an indirect call");
            }
            in.op = Op.CALL;
            in.target = m.disp();
            in.opcode = new int[] {0xE8};
            in.nearOpcode = in.opcode;
            in.relSize = 4;
        }
    }

    private void ret(Instr in, Name n, List<Operand> ops) {
        operands(in, ops, 0, 1, "ret");
        if (n.suffix() != '\0' && n.suffix() != 'q') {
            throw err(in.stmt.mnemonicPos(), "invalid instruction suffix for `ret'");
        }
        in.op = Op.RET;
        in.size = 8;
        if (ops.isEmpty()) {
            in.opcode = new int[] {0xC3};
            in.immValue = new Expr.Num(0, in.pos());
        } else if (ops.get(0) instanceof Operand.Imm imm) {
            in.opcode = new int[] {0xC2};
            setImm(in, imm, 2, false);
        } else {
            throw mismatch(in, "ret");
        }
    }

    private void setcc(Instr in, String b, List<Operand> ops) {
        operands(in, ops, 1, 1, b);
        Operand o = ops.get(0);
        int cc = Cond.fromSuffix(b.substring(3));
        in.sub = cc;
        in.size = 1;
        in.opcode = new int[] {0x0F, 0x90 + cc};
        in.modrmReg = 0;
        if (o instanceof Operand.Gpr g) {
            if (g.reg().size() != 1) {
                throw err(o.pos(), "`" + b + "' takes an 8-bit register, not `%" + g.reg().name() + "'");
            }
            byteRegRex(in, o);
            in.op = Op.SETCC_R;
            in.ra = g.reg().num();
            in.modrmRmReg = g.reg().num();
        } else if (o instanceof Operand.Mem m) {
            in.op = Op.SETCC_M;
            setMem(in, m);
        } else {
            throw mismatch(in, b);
        }
    }

    private void cmov(Instr in, Name n, List<Operand> ops) {
        operands(in, ops, 2, 2, n.base());
        Operand src = ops.get(0);
        Operand dst = ops.get(1);
        if (!(dst instanceof Operand.Gpr d)) {
            throw err(dst.pos(), "cmov needs a register destination");
        }
        int size = size(in, n, src, dst);
        if (size == 1) {
            throw err(dst.pos(), "cmov takes 16-, 32- or 64-bit registers");
        }
        sizePrefixes(in, size);
        int cc = Cond.fromSuffix(n.base().substring(4));
        in.sub = cc;
        in.ra = d.reg().num();
        in.opcode = new int[] {0x0F, 0x40 + cc};
        in.modrmReg = d.reg().num();
        if (src instanceof Operand.Gpr s) {
            in.op = Op.CMOV_RR;
            in.rb = s.reg().num();
            in.modrmRmReg = s.reg().num();
        } else if (src instanceof Operand.Mem m) {
            in.op = Op.CMOV_RM;
            setMem(in, m);
        } else {
            throw mismatch(in, n.base());
        }
    }

    private void xaddCmpxchg(Instr in, Name n, List<Operand> ops, int rr, int mr, int mrLock, int opc) {
        operands(in, ops, 2, 2, n.base());
        Operand src = ops.get(0);
        Operand dst = ops.get(1);
        if (!(src instanceof Operand.Gpr s)) {
            throw err(src.pos(), "`" + n.base() + "' takes a register source");
        }
        int size = size(in, n, src, dst);
        sizePrefixes(in, size);
        byteRegRex(in, src, dst);
        in.rb = s.reg().num();
        in.opcode = new int[] {0x0F, opc + (size == 1 ? 0 : 1)};
        in.modrmReg = s.reg().num();
        if (dst instanceof Operand.Gpr d) {
            in.op = rr;
            in.ra = d.reg().num();
            in.modrmRmReg = d.reg().num();
        } else if (dst instanceof Operand.Mem m) {
            in.op = in.stmt.lock() ? mrLock : mr;
            in.flags |= Op.F_LOCK;
            setMem(in, m);
        } else {
            throw mismatch(in, n.base());
        }
    }

    private void segBase(Instr in, List<Operand> ops, int op, int slot, int digit) {
        operands(in, ops, 1, 1, in.stmt.mnemonic());
        if (!(ops.get(0) instanceof Operand.Gpr g) || g.reg().size() != 8) {
            throw err(ops.get(0).pos(), "`" + in.stmt.mnemonic() + "' takes a 64-bit register");
        }
        in.op = op;
        in.sub = slot;
        in.size = 8;
        in.mandatoryPrefix = 0xF3;
        in.rexW = true;
        in.opcode = new int[] {0x0F, 0xAE};
        in.modrmReg = digit;
        in.modrmRmReg = g.reg().num();
        if (op == Op.RDSEGBASE) {
            in.ra = g.reg().num();
        } else {
            in.rb = g.reg().num();
        }
    }

    private void tableLoad(Instr in, Name n, List<Operand> ops, int digit, int which) {
        operands(in, ops, 1, 1, n.base());
        if (n.suffix() != '\0' && n.suffix() != 'q') {
            throw err(in.stmt.mnemonicPos(), "invalid instruction suffix for `" + n.base() + "'");
        }
        if (!(ops.get(0) instanceof Operand.Mem m)) {
            throw err(ops.get(0).pos(), "`" + n.base() + "' takes a memory operand");
        }
        in.op = Op.LDT_TABLE;
        in.sub = which;
        in.size = 8;
        in.opcode = new int[] {0x0F, 0x01};
        in.modrmReg = digit;
        setMem(in, m);
    }

    private void invlpg(Instr in, Name n, List<Operand> ops) {
        operands(in, ops, 1, 1, "invlpg");
        if (!(ops.get(0) instanceof Operand.Mem m)) {
            throw err(ops.get(0).pos(), "invlpg takes a memory operand");
        }
        in.op = Op.INVLPG;
        in.size = 1;
        in.opcode = new int[] {0x0F, 0x01};
        in.modrmReg = 7;
        setMem(in, m);
    }

    private void ltr(Instr in, Name n, List<Operand> ops) {
        operands(in, ops, 1, 1, "ltr");
        if (n.suffix() != '\0' && n.suffix() != 'w') {
            throw err(in.stmt.mnemonicPos(), "invalid instruction suffix for `ltr'");
        }
        Operand o = ops.get(0);
        in.size = 2;
        in.opcode = new int[] {0x0F, 0x00};
        in.modrmReg = 3;
        if (o instanceof Operand.Gpr g) {
            if (g.reg().size() != 2) {
                throw err(o.pos(), "ltr takes a 16-bit register such as %ax, not `%" + g.reg().name() + "'");
            }
            in.op = Op.LTR_R;
            in.rb = g.reg().num();
            in.modrmRmReg = g.reg().num();
        } else if (o instanceof Operand.Mem m) {
            in.op = Op.LTR_M;
            setMem(in, m);
        } else {
            throw mismatch(in, "ltr");
        }
    }

    private void intN(Instr in, List<Operand> ops) {
        operands(in, ops, 1, 1, "int");
        if (!(ops.get(0) instanceof Operand.Imm imm)) {
            throw err(ops.get(0).pos(), "int takes an immediate vector number");
        }
        in.op = Op.INT_N;
        in.opcode = new int[] {0xCD};
        setImm(in, imm, 1, false);
    }

    private void nop(Instr in, Name n, List<Operand> ops) {
        operands(in, ops, 0, 1, "nop");
        in.op = Op.NOP;
        if (ops.isEmpty()) {
            if (n.suffix() != '\0') {
                throw err(in.stmt.mnemonicPos(), "a suffixed nop takes a memory operand");
            }
            in.opcode = new int[] {0x90};
            return;
        }
        int size = size(in, n, ops.get(0));
        if (size != 2 && size != 4) {
            throw err(in.stmt.mnemonicPos(), "multi-byte nop is nopw or nopl");
        }
        sizePrefixes(in, size);
        in.opcode = new int[] {0x0F, 0x1F};
        in.modrmReg = 0;
        if (ops.get(0) instanceof Operand.Mem m) {
            setMem(in, m);
            in.mem = null; // a nop never touches memory
        } else if (ops.get(0) instanceof Operand.Gpr g) {
            in.modrmRmReg = g.reg().num();
        } else {
            throw mismatch(in, "nop");
        }
    }
}
