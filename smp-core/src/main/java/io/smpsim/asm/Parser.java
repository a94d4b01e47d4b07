package io.smpsim.asm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses one source file into statements: labels (numeric local labels renamed to unique
 * symbols), directives with raw arguments, and instructions with parsed operands.
 */
final class Parser {
    private final String file;
    private final int fileIndex;
    private final Map<Integer, Integer> localDefs = new HashMap<>();

    Parser(String file, int fileIndex) {
        this.file = file;
        this.fileIndex = fileIndex;
    }

    /** The symbol a numeric local label's k-th definition gets; '^' cannot appear in user symbols. */
    static String localName(int fileIndex, int n, int k) {
        return ".L" + n + "^" + fileIndex + "^" + k;
    }

    /** A readable form of a symbol name for messages. */
    static String display(String symbol) {
        if (symbol.startsWith(".L") && symbol.indexOf('^') > 0) {
            return "local label " + symbol.substring(2, symbol.indexOf('^'));
        }
        return "`" + symbol + "'";
    }

    List<Stmt> parse(String source) {
        List<Stmt> out = new ArrayList<>();
        boolean pendingLock = false;
        SourcePos lockPos = null;
        for (SourceText.Statement st : SourceText.statements(file, source)) {
            List<Token> toks = new Lexer(file, st.line(), st.text(), st.col()).tokenize();
            TokenStream ts = new TokenStream(toks, file, st.line(),
                n -> {
                    Integer k = localDefs.get(n);
                    return k == null ? null : localName(fileIndex, n, k - 1);
                },
                n -> localName(fileIndex, n, localDefs.getOrDefault(n, 0)));
            // labels
            while (true) {
                Token t = ts.peek();
                if (ts.peek(1).is(":") && t.kind() == Token.Kind.IDENT) {
                    ts.next();
                    ts.next();
                    out.add(new Stmt.Label(t.text(), ts.pos(t)));
                } else if (ts.peek(1).is(":") && t.kind() == Token.Kind.NUMBER
                        && Character.isDigit(t.text().charAt(0)) && !t.text().startsWith("0x")) {
                    ts.next();
                    ts.next();
                    int n = (int) t.value();
                    int k = localDefs.merge(n, 1, Integer::sum) - 1;
                    out.add(new Stmt.Label(localName(fileIndex, n, k), ts.pos(t)));
                } else {
                    break;
                }
            }
            if (ts.atEnd()) {
                continue;
            }
            Token head = ts.next();
            if (head.kind() != Token.Kind.IDENT) {
                throw new AsmException(ts.pos(head), "expected an instruction, a directive or a label, found "
                    + head.describe());
            }
            SourcePos headPos = ts.pos(head);
            if (ts.peek().is("=")) {
                ts.next();
                List<Token> args = new ArrayList<>();
                args.add(head);
                args.add(new Token(Token.Kind.PUNCT, ",", 0, head.col()));
                args.addAll(toks.subList(ts.index(), toks.size()));
                out.add(new Stmt.Directive(".set", args, headPos));
                continue;
            }
            if (head.text().startsWith(".")) {
                out.add(new Stmt.Directive(head.text().toLowerCase(), toks.subList(ts.index(), toks.size()),
                    headPos));
                continue;
            }
            String mnemonic = head.text().toLowerCase();
            boolean lock = false;
            if (mnemonic.equals("lock")) {
                if (ts.atEnd()) {
                    pendingLock = true;
                    lockPos = headPos;
                    continue;
                }
                Token m = ts.next();
                if (m.kind() != Token.Kind.IDENT) {
                    throw new AsmException(ts.pos(m), "expected an instruction after `lock', found " + m.describe());
                }
                lock = true;
                mnemonic = m.text().toLowerCase();
                headPos = ts.pos(m);
            }
            if (pendingLock) {
                lock = true;
                pendingLock = false;
            }
            List<Operand> ops = ts.operands();
            String text = st.text().substring(Math.max(0, head.col() - st.col())).strip();
            out.add(new Stmt.Instruction(lock, mnemonic, ops, text, headPos, headPos));
        }
        if (pendingLock) {
            throw new AsmException(lockPos, "expected an instruction after `lock'");
        }
        return out;
    }
}
