package io.smpsim.asm;

/** An assembly-time expression: numbers, symbols, the location counter and operators. */
sealed interface Expr {
    SourcePos pos();

    /** What an expression needs from the assembler to be evaluated. */
    interface Env {
        /** The symbol's value; throws AsmException at {@code pos} if it has none. */
        long symbol(String name, SourcePos pos);

        /** True if the symbol is a constant known at this point of the source (so a short form may be chosen). */
        boolean isEarlyConstant(String name);

        /** The location counter's address. */
        long dot();
    }

    long eval(Env env);

    /** True if the value is a plain number now, not an address that depends on layout. */
    boolean isConstant(Env env);

    record Num(long value, SourcePos pos) implements Expr {
        public long eval(Env env) {
            return value;
        }

        public boolean isConstant(Env env) {
            return true;
        }
    }

    record Sym(String name, SourcePos pos) implements Expr {
        public long eval(Env env) {
            return env.symbol(name, pos);
        }

        public boolean isConstant(Env env) {
            return env.isEarlyConstant(name);
        }
    }

    record Dot(SourcePos pos) implements Expr {
        public long eval(Env env) {
            return env.dot();
        }

        public boolean isConstant(Env env) {
            return false;
        }
    }

    record Unary(String op, Expr operand, SourcePos pos) implements Expr {
        public long eval(Env env) {
            long v = operand.eval(env);
            return switch (op) {
                case "-" -> -v;
                case "~" -> ~v;
                case "!" -> v == 0 ? 1 : 0;
                default -> v;
            };
        }

        public boolean isConstant(Env env) {
            return operand.isConstant(env);
        }
    }

    record Binary(String op, Expr left, Expr right, SourcePos pos) implements Expr {
        public long eval(Env env) {
            long a = left.eval(env);
            long b = right.eval(env);
            return switch (op) {
                case "+" -> a + b;
                case "-" -> a - b;
                case "*" -> a * b;
                case "/" -> {
                    if (b == 0) {
                        throw new AsmException(right.pos(), "division by zero");
                    }
                    yield a / b;
                }
                case "<<" -> a << b;
                case ">>" -> a >> b;
                case "&" -> a & b;
                case "|" -> a | b;
                case "^" -> a ^ b;
                case "==" -> a == b ? -1 : 0;
                case "!=" -> a != b ? -1 : 0;
                case "<" -> a < b ? -1 : 0;
                case ">" -> a > b ? -1 : 0;
                case "<=" -> a <= b ? -1 : 0;
                case ">=" -> a >= b ? -1 : 0;
                case "&&" -> (a != 0 && b != 0) ? 1 : 0;
                case "||" -> (a != 0 || b != 0) ? 1 : 0;
                default -> throw new AsmException(pos, "unknown operator `" + op + "'");
            };
        }

        public boolean isConstant(Env env) {
            return left.isConstant(env) && right.isConstant(env);
        }
    }
}
