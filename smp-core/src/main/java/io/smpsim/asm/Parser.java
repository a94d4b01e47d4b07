package io.smpsim.asm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Parses one source file into statements: labels (numeric local labels renamed to unique
 * symbols), directives with raw arguments, and instructions with parsed operands.
 */
final class Parser {
    /** What the files of one assembly share: macro definitions and how to find included files. */
    static final class Unit {
        final Map<String, Macro> macros = new HashMap<>();
        /** (including file, included name) to the source, or null if it cannot be found. */
        final BiFunction<String, String, Assembler.Source> resolver;
        int nextFileIndex;
        int expansions;

        Unit(BiFunction<String, String, Assembler.Source> resolver) {
            this.resolver = resolver;
        }
    }

    /** A .macro definition: its parameters (with defaults, null when none) and body statements. */
    record Macro(String name, List<String> params, List<String> defaults, List<SourceText.Statement> body,
                 SourcePos pos) {}

    private static final int MAX_DEPTH = 64;

    private final Unit unit;
    private final String file;
    private final int fileIndex;
    /** How many times each numeric local label has been defined so far (shared with macro bodies). */
    private final Map<Integer, Integer> localDefs;
    private boolean pendingLock;
    private SourcePos lockPos;

    Parser(Unit unit, String file) {
        this.unit = unit;
        this.file = file;
        this.fileIndex = unit.nextFileIndex++;
        this.localDefs = new HashMap<>();
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
        statements(SourceText.statements(file, source), out, 0);
        if (pendingLock) {
            throw new AsmException(lockPos, "expected an instruction after `lock'");
        }
        return out;
    }

    private void statements(List<SourceText.Statement> list, List<Stmt> out, int depth) {
        for (int i = 0; i < list.size(); i++) {
            SourceText.Statement st = list.get(i);
            String head = headWord(st.text());
            if (head.equals(".macro")) {
                i = defineMacro(list, i);
            } else if (head.equals(".endm")) {
                throw new AsmException(new SourcePos(file, st.line(), st.col()), "`.endm' without `.macro'");
            } else {
                statement(st, out, depth);
            }
        }
    }

    private static String headWord(String text) {
        String t = text.strip();
        int end = 0;
        while (end < t.length() && !Character.isWhitespace(t.charAt(end))) {
            end++;
        }
        return t.substring(0, end).toLowerCase();
    }

    /** Collects a macro's body up to `.endm'; returns the index of the `.endm' statement. */
    private int defineMacro(List<SourceText.Statement> list, int at) {
        SourceText.Statement st = list.get(at);
        SourcePos pos = new SourcePos(file, st.line(), st.col());
        List<Token> toks = new Lexer(file, st.line(), st.text(), st.col()).tokenize();
        TokenStream ts = new TokenStream(toks, file, st.line(), n -> null, n -> null);
        ts.next(); // .macro
        Token name = ts.next();
        if (name.kind() != Token.Kind.IDENT) {
            throw new AsmException(ts.pos(name), "expected a macro name after `.macro', found " + name.describe());
        }
        List<String> params = new ArrayList<>();
        List<String> defaults = new ArrayList<>();
        while (!ts.atEnd()) {
            ts.accept(",");
            Token p = ts.next();
            if (p.kind() != Token.Kind.IDENT) {
                throw new AsmException(ts.pos(p), "expected a macro parameter name, found " + p.describe());
            }
            params.add(p.text());
            if (ts.accept("=")) {
                int from = ts.peek().col() - st.col();
                while (!ts.atEnd() && !ts.peek().is(",")) {
                    ts.next();
                }
                int to = ts.atEnd() ? st.text().length() : ts.peek().col() - st.col();
                defaults.add(st.text().substring(from, to).strip());
            } else {
                defaults.add(null);
            }
        }
        List<SourceText.Statement> body = new ArrayList<>();
        for (int i = at + 1; i < list.size(); i++) {
            SourceText.Statement b = list.get(i);
            String head = headWord(b.text());
            if (head.equals(".endm")) {
                unit.macros.put(name.text().toLowerCase(), new Macro(name.text(), params, defaults, body, pos));
                return i;
            }
            if (head.equals(".macro")) {
                throw new AsmException(new SourcePos(file, b.line(), b.col()), "nested `.macro' is outside the subset");
            }
            body.add(b);
        }
        throw new AsmException(pos, "`.macro " + name.text() + "' has no `.endm'");
    }

    private void statement(SourceText.Statement st, List<Stmt> out, int depth) {
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
            return;
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
            return;
        }
        Macro macro = unit.macros.get(head.text().toLowerCase());
        if (macro != null) {
            expand(macro, st, head, headPos, out, depth);
            return;
        }
        if (head.text().equalsIgnoreCase(".include")) {
            include(ts, headPos, out, depth);
            return;
        }
        if (head.text().startsWith(".")) {
            out.add(new Stmt.Directive(head.text().toLowerCase(), toks.subList(ts.index(), toks.size()), headPos));
            return;
        }
        String mnemonic = head.text().toLowerCase();
        boolean lock = false;
        if (mnemonic.equals("lock")) {
            if (ts.atEnd()) {
                pendingLock = true;
                lockPos = headPos;
                return;
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

    private void include(TokenStream ts, SourcePos pos, List<Stmt> out, int depth) {
        Token name = ts.next();
        if (name.kind() != Token.Kind.STRING) {
            throw new AsmException(ts.pos(name), "expected a quoted file name after `.include', found "
                + name.describe());
        }
        ts.expectEnd();
        if (depth >= MAX_DEPTH) {
            throw new AsmException(pos, "`.include' nested too deeply");
        }
        Assembler.Source src = unit.resolver == null ? null : unit.resolver.apply(file, name.text());
        if (src == null) {
            throw new AsmException(ts.pos(name), "cannot find include file `" + name.text() + "'");
        }
        Parser p = new Parser(unit, src.name());
        p.statements(SourceText.statements(src.name(), src.text()), out, depth + 1);
        if (p.pendingLock) {
            throw new AsmException(p.lockPos, "expected an instruction after `lock'");
        }
    }

    /** Expands a macro invocation: `\param' in the body becomes the argument, `\@' a counter. */
    private void expand(Macro m, SourceText.Statement st, Token head, SourcePos pos, List<Stmt> out, int depth) {
        if (depth >= MAX_DEPTH) {
            throw new AsmException(pos, "macro `" + m.name() + "' expands too deeply (recursive?)");
        }
        String rest = st.text().substring(Math.min(st.text().length(), head.col() - st.col() + head.text().length()));
        List<String> args = splitArguments(rest);
        if (args.size() > m.params().size()) {
            throw new AsmException(pos, "macro `" + m.name() + "' takes " + m.params().size() + " arguments, found "
                + args.size());
        }
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < m.params().size(); i++) {
            String v = i < args.size() && !args.get(i).isBlank() ? args.get(i).strip() : m.defaults().get(i);
            if (v == null) {
                throw new AsmException(pos, "missing value for parameter `" + m.params().get(i) + "' of macro `"
                    + m.name() + "'");
            }
            values.put(m.params().get(i), v);
        }
        int serial = unit.expansions++;
        List<SourceText.Statement> body = new ArrayList<>();
        for (SourceText.Statement b : m.body()) {
            body.add(new SourceText.Statement(substitute(b.text(), values, serial), b.line(), b.col()));
        }
        // the body's positions are those of the definition; its local labels count in this file
        Parser inner = this;
        if (!m.pos().file().equals(file)) {
            inner = new Parser(unit, m.pos().file(), this);
        }
        inner.statements(body, out, depth + 1);
    }

    /** A parser for a macro body defined in another file, sharing this file's local labels. */
    private Parser(Unit unit, String file, Parser shareLabelsWith) {
        this.unit = unit;
        this.file = file;
        this.fileIndex = shareLabelsWith.fileIndex;
        this.localDefs = shareLabelsWith.localDefs;
    }

    static List<String> splitArguments(String rest) {
        List<String> args = new ArrayList<>();
        if (rest.isBlank()) {
            return args;
        }
        StringBuilder cur = new StringBuilder();
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (inString) {
                cur.append(c);
                if (c == '"') {
                    inString = false;
                }
                continue;
            }
            if (c == '"') {
                inString = true;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                args.add(cur.toString());
                cur.setLength(0);
                continue;
            }
            cur.append(c);
        }
        args.add(cur.toString());
        return args;
    }

    static String substitute(String text, Map<String, String> values, int serial) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\' || i + 1 >= text.length()) {
                out.append(c);
                continue;
            }
            char n = text.charAt(i + 1);
            if (n == '@') {
                out.append(serial);
                i++;
            } else if (n == '(' && i + 2 < text.length() && text.charAt(i + 2) == ')') {
                i += 2;
            } else if (Lexer.isIdentStart(n)) {
                int j = i + 1;
                while (j < text.length() && Lexer.isIdentPart(text.charAt(j))) {
                    j++;
                }
                String name = text.substring(i + 1, j);
                if (values.containsKey(name)) {
                    out.append(values.get(name));
                    i = j - 1;
                } else {
                    out.append(c);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
