package io.smpsim.asm;

import io.smpsim.isa.Reg;
import java.io.ByteArrayOutputStream;

/** Emits the machine code of a matched instruction, byte for byte what GNU as emits for it. */
final class Encoder {
    private Encoder() {}

    /**
     * Encodes {@code in} at address {@code addr}. With {@code check} false (layout passes) values
     * may still be provisional and nothing is range-checked.
     */
    static byte[] encode(Instr in, Expr.Env env, long addr, boolean check) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16);
        if (in.segPrefix != 0) {
            out.write(in.segPrefix);
        }
        if (in.p66) {
            out.write(0x66);
        }
        if (in.mandatoryPrefix != 0) {
            out.write(in.mandatoryPrefix);
        }
        if (in.lock) {
            out.write(0xF0);
        }
        Operand.Mem m = in.moffs ? null : in.modrmMem;
        int rex = 0;
        if (in.rexW) {
            rex |= 8;
        }
        if (in.modrmReg >= 8) {
            rex |= 4;
        }
        if (m != null && m.index() != null && m.index().num() >= 8) {
            rex |= 2;
        }
        if (in.modrmRmReg >= 8 || in.opcodeReg >= 8 || (m != null && m.base() != null && m.base().num() >= 8)) {
            rex |= 1;
        }
        if (rex != 0 || in.forceRex) {
            out.write(0x40 | rex);
        }
        int[] opc = in.opcode;
        for (int i = 0; i < opc.length; i++) {
            int b = opc[i];
            if (i == opc.length - 1 && in.opcodeReg >= 0) {
                b += in.opcodeReg & 7;
            }
            out.write(b);
        }
        int ripFixupAt = -1;
        long ripTarget = 0;
        if (in.modrmReg >= 0) {
            int reg = (in.modrmReg & 7) << 3;
            if (in.modrmRmReg >= 0) {
                out.write(0xC0 | reg | (in.modrmRmReg & 7));
            } else if (m.ripRelative()) {
                out.write(0x05 | reg);
                long v = m.disp() == null ? 0 : m.disp().eval(env);
                if (in.ripConstant) {
                    if (check) {
                        checkS32(v, m, "displacement");
                    }
                    writeLe(out, v, 4);
                } else {
                    ripFixupAt = out.size();
                    ripTarget = v;
                    writeLe(out, 0, 4);
                }
            } else if (m.base() == null) {
                out.write(0x04 | reg);
                int idx = m.index() == null ? 4 : m.index().num() & 7;
                out.write(scaleBits(m.scale()) << 6 | idx << 3 | 5);
                long v = m.disp() == null ? 0 : m.disp().eval(env);
                if (check) {
                    checkS32(v, m, "address");
                }
                writeLe(out, v, 4);
            } else {
                int mod = in.dispSize == 0 ? 0 : (in.dispSize == 1 ? 1 : 2);
                int base = m.base().num() & 7;
                if (m.index() == null && base != Reg.RSP) {
                    out.write(mod << 6 | reg | base);
                } else {
                    out.write(mod << 6 | reg | 4);
                    int idx = m.index() == null ? 4 : m.index().num() & 7;
                    out.write(scaleBits(m.scale()) << 6 | idx << 3 | base);
                }
                if (in.dispSize > 0) {
                    long v = m.disp() == null ? 0 : m.disp().eval(env);
                    if (check && in.dispSize == 4) {
                        checkS32(v, m, "displacement");
                    }
                    writeLe(out, v, in.dispSize);
                }
            }
        }
        if (in.immSize > 0) {
            long v = in.immEncoded.eval(env);
            if (check) {
                checkImm(in, v);
            }
            writeLe(out, v, in.immSize);
        }
        int relAt = -1;
        if (in.relSize > 0) {
            relAt = out.size();
            writeLe(out, 0, in.relSize);
        }
        byte[] bytes = out.toByteArray();
        long end = addr + bytes.length;
        if (ripFixupAt >= 0) {
            long d = ripTarget - end;
            if (check) {
                checkS32(d, m, "RIP-relative displacement");
            }
            put(bytes, ripFixupAt, d, 4);
        }
        if (relAt >= 0) {
            long target = in.target.eval(env);
            long d = target - end;
            if (check) {
                boolean ok = in.relSize == 1 ? d >= -128 && d <= 127 : d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE;
                if (!ok) {
                    throw new AsmException(in.target.pos(), "branch target 0x" + Long.toHexString(target)
                        + " is out of range of a " + (in.relSize * 8) + "-bit displacement");
                }
            }
            put(bytes, relAt, d, in.relSize);
        }
        return bytes;
    }

    private static int scaleBits(int scale) {
        return switch (scale) {
            case 2 -> 1;
            case 4 -> 2;
            case 8 -> 3;
            default -> 0;
        };
    }

    private static void checkS32(long v, Operand.Mem m, String what) {
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new AsmException(m.pos(), what + " 0x" + Long.toHexString(v)
                + " does not fit in a sign-extended 32-bit field");
        }
    }

    private static void checkImm(Instr in, long v) {
        boolean ok = switch (in.immSize) {
            case 1 -> v >= -128 && v <= 255;
            case 2 -> v >= -32768 && v <= 65535;
            case 4 -> in.immSignedCheck ? v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE
                : v >= Integer.MIN_VALUE && v <= 0xFFFFFFFFL;
            default -> true;
        };
        if (!ok) {
            throw new AsmException(in.immEncoded.pos(), "value 0x" + Long.toHexString(v) + " does not fit in the "
                + (in.immSignedCheck ? "sign-extended " : "") + (in.immSize * 8) + "-bit immediate of `"
                + in.stmt.mnemonic() + "'");
        }
    }

    private static void writeLe(ByteArrayOutputStream out, long v, int n) {
        for (int i = 0; i < n; i++) {
            out.write((int) (v >>> (8 * i)) & 0xFF);
        }
    }

    private static void put(byte[] b, int at, long v, int n) {
        for (int i = 0; i < n; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }
}
