package io.smpsim.asm;

import io.smpsim.isa.Reg;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/** A cursor over one statement's tokens with the expression and operand grammar of AT&T syntax. */
final class TokenStream {
    private final List<Token> toks;
    private final String file;
    private final int line;
    private final IntFunction<String> localBack;
    private final IntFunction<String> localForward;
    private int i;

    /**
     * @param localBack maps a numeric label n to the symbol name of its most recent definition, or null
     * @param localForward maps n to the symbol name of its next definition
     */
    TokenStream(List<Token> toks, String file, int line, IntFunction<String> localBack,
                IntFunction<String> localForward) {
        this.toks = toks;
        this.file = file;
        this.line = line;
        this.localBack = localBack;
        this.localForward = localForward;
    }

    Token peek() {
        return toks.get(i);
    }

    Token peek(int ahead) {
        return toks.get(Math.min(i + ahead, toks.size() - 1));
    }

    Token next() {
        Token t = toks.get(i);
        if (t.kind() != Token.Kind.END) {
            i++;
        }
        return t;
    }

    boolean atEnd() {
        return peek().kind() == Token.Kind.END;
    }

    int index() {
        return i;
    }

    SourcePos pos(Token t) {
        return new SourcePos(file, line, t.col());
    }

    SourcePos pos() {
        return pos(peek());
    }

    AsmException error(String msg) {
        return new AsmException(pos(), msg);
    }

    boolean accept(String punct) {
        if (peek().is(punct)) {
            i++;
            return true;
        }
        return false;
    }

    void expect(String punct, String what) {
        if (!accept(punct)) {
            throw error("expected " + what + ", found " + peek().describe());
        }
    }

    void expectEnd() {
        if (!atEnd()) {
            throw error("junk " + peek().describe() + " at end of statement");
        }
    }

    // ---- expressions: GNU as precedence: unary > * / << >> > | & ^ > + - comparisons > && > ||

    Expr expr() {
        return logicalOr();
    }

    private Expr logicalOr() {
        Expr e = logicalAnd();
        while (peek().is("||")) {
            Token op = next();
            e = new Expr.Binary(op.text(), e, logicalAnd(), pos(op));
        }
        return e;
    }

    private Expr logicalAnd() {
        Expr e = additive();
        while (peek().is("&&")) {
            Token op = next();
            e = new Expr.Binary(op.text(), e, additive(), pos(op));
        }
        return e;
    }

    private Expr additive() {
        Expr e = bitwise();
        while (peek().is("+") || peek().is("-") || peek().is("==") || peek().is("!=") || peek().is("<")
                || peek().is(">") || peek().is("<=") || peek().is(">=")) {
            Token op = next();
            e = new Expr.Binary(op.text(), e, bitwise(), pos(op));
        }
        return e;
    }

    private Expr bitwise() {
        Expr e = multiplicative();
        while (peek().is("|") || peek().is("&") || peek().is("^")) {
            Token op = next();
            e = new Expr.Binary(op.text(), e, multiplicative(), pos(op));
        }
        return e;
    }

    private Expr multiplicative() {
        Expr e = unary();
        while (peek().is("*") || peek().is("/") || peek().is("<<") || peek().is(">>")) {
            Token op = next();
            e = new Expr.Binary(op.text(), e, unary(), pos(op));
        }
        return e;
    }

    private Expr unary() {
        Token t = peek();
        if (t.is("-") || t.is("~") || t.is("!") || t.is("+")) {
            next();
            return new Expr.Unary(t.text(), unary(), pos(t));
        }
        return primary();
    }

    private Expr primary() {
        Token t = next();
        SourcePos p = pos(t);
        switch (t.kind()) {
            case NUMBER:
                return new Expr.Num(t.value(), p);
            case IDENT:
                if (t.text().equals(".")) {
                    return new Expr.Dot(p);
                }
                return new Expr.Sym(t.text(), p);
            case LOCAL_REF: {
                int n = (int) t.value();
                boolean forward = t.text().endsWith("f");
                String name = forward ? localForward.apply(n) : localBack.apply(n);
                if (name == null) {
                    throw new AsmException(p, "local label `" + n + "' is not defined before `" + t.text() + "'");
                }
                return new Expr.Sym(name, p);
            }
            case PUNCT:
                if (t.is("(")) {
                    Expr e = expr();
                    expect(")", "`)'");
                    return e;
                }
                break;
            default:
                break;
        }
        throw new AsmException(p, "expected an expression, found " + t.describe());
    }

    // ---- operands

    Operand operand() {
        SourcePos start = pos();
        boolean indirect = accept("*");
        Token t = peek();
        if (t.is("$")) {
            next();
            return new Operand.Imm(expr(), indirect, start);
        }
        int segment = -1;
        if (t.kind() == Token.Kind.REGISTER) {
            String name = t.text();
            int sreg = sregNumber(name);
            if (sreg >= 0 && peek(1).is(":")) {
                next();
                next();
                segment = sreg;
                return memory(segment, indirect, start);
            }
            next();
            if (sreg >= 0) {
                return new Operand.Sreg(sreg, name, indirect, start);
            }
            if (name.startsWith("cr") && name.length() > 2) {
                try {
                    int n = Integer.parseInt(name.substring(2));
                    if (n == 0 || n == 2 || n == 3 || n == 4 || n == 8) {
                        return new Operand.Creg(n, indirect, start);
                    }
                } catch (NumberFormatException ignored) {
                    // fall through to the error below
                }
            }
            Reg.Gpr g = Reg.gpr(name);
            if (g == null) {
                throw new AsmException(start, "bad register name `%" + name + "'");
            }
            return new Operand.Gpr(g, indirect, start);
        }
        return memory(-1, indirect, start);
    }

    static int sregNumber(String name) {
        return switch (name) {
            case "es" -> 0;
            case "cs" -> 1;
            case "ss" -> 2;
            case "ds" -> 3;
            case "fs" -> 4;
            case "gs" -> 5;
            default -> -1;
        };
    }

    private Operand memory(int segment, boolean indirect, SourcePos start) {
        Expr disp = null;
        boolean parenStartsBase = peek().is("(")
            && (peek(1).kind() == Token.Kind.REGISTER || peek(1).is(","));
        if (!parenStartsBase) {
            if (atEnd() || peek().is(",")) {
                throw error("expected an operand, found " + peek().describe());
            }
            disp = expr();
        }
        Reg.Gpr base = null;
        Reg.Gpr index = null;
        boolean rip = false;
        int scale = 1;
        if (accept("(")) {
            if (peek().kind() == Token.Kind.REGISTER) {
                Token b = next();
                if (b.text().equals("rip")) {
                    rip = true;
                } else {
                    base = addressRegister(b);
                }
            }
            if (accept(",")) {
                Token x = peek();
                if (x.kind() != Token.Kind.REGISTER) {
                    throw error("expected an index register, found " + x.describe());
                }
                next();
                index = addressRegister(x);
                if (index.num() == Reg.RSP) {
                    throw new AsmException(pos(x), "`%rsp' is not a valid index register");
                }
                if (rip) {
                    throw new AsmException(pos(x), "`%rip' cannot be combined with an index register");
                }
                if (accept(",")) {
                    Token sc = next();
                    if (sc.kind() != Token.Kind.NUMBER
                            || (sc.value() != 1 && sc.value() != 2 && sc.value() != 4 && sc.value() != 8)) {
                        throw new AsmException(pos(sc), "expected scale factor of 1, 2, 4, or 8, found "
                            + sc.describe());
                    }
                    scale = (int) sc.value();
                }
            }
            expect(")", "`)'");
        }
        return new Operand.Mem(segment, disp, base, rip, index, scale, indirect, start);
    }

    private Reg.Gpr addressRegister(Token t) {
        Reg.Gpr g = Reg.gpr(t.text());
        if (g == null) {
            throw new AsmException(pos(t), "bad register name `%" + t.text() + "'");
        }
        if (g.size() != 8) {
            throw new AsmException(pos(t), "`%" + t.text() + "' is not a valid base/index register: "
                + "addresses use 64-bit registers");
        }
        return g;
    }

    List<Operand> operands() {
        List<Operand> ops = new ArrayList<>();
        if (atEnd()) {
            return ops;
        }
        while (true) {
            ops.add(operand());
            if (atEnd()) {
                return ops;
            }
            expect(",", "`,' between operands");
        }
    }
}
