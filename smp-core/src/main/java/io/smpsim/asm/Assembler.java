package io.smpsim.asm;

import io.smpsim.isa.Op;
import io.smpsim.isa.Reg;
import io.smpsim.program.DecodedCode;
import io.smpsim.program.Program;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Assembles GNU-as AT&T sources (a strict subset) and links them at fixed addresses: .text at
 * the text base, .data and .bss each on the next page boundary after the section before. The
 * bytes are what {@code as} followed by {@code ld -Ttext=BASE} produce; the text is also decoded
 * for the step loop.
 */
public final class Assembler {
    /** One source file. */
    public record Source(String name, String text) {}

    private static final int PAGE = 4096;

    private enum Sec { TEXT, DATA, BSS }

    private abstract static class Item {
        Sec sec;
        long addr;
        int size;
        SourcePos pos;
    }

    private static final class InstrItem extends Item {
        Instr in;
        byte[] bytes;
    }

    private static final class DataItem extends Item {
        int unit;
        List<Expr> values;
    }

    private static final class BytesItem extends Item {
        byte[] bytes;
    }

    private static final class AlignItem extends Item {
        long align;
        int fill; // -1: nops (text) or zeros
        long max;
    }

    private static final class LabelItem extends Item {
        String name;
    }

    /** A symbol: a label, or a .set/.equ expression (with its value when constant at definition). */
    private static final class SymDef {
        LabelItem label;
        Expr expr;
        Long constant;
        SourcePos pos;
        boolean evaluating;
    }

    private final String programName;
    private final long textBase;
    private final Map<String, Long> externals;
    private final Map<Sec, List<Item>> items = new EnumMap<>(Sec.class);
    private final Map<String, SymDef> symbols = new LinkedHashMap<>();
    private final Set<String> globals = new HashSet<>();
    private final List<InstrItem> relaxable = new ArrayList<>();
    private Sec current = Sec.TEXT;
    private final Deque<Sec> sectionStack = new ArrayDeque<>();
    private long dot;
    private boolean finalPass;

    private Assembler(String programName, long textBase, Map<String, Long> externals) {
        this.programName = programName;
        this.textBase = textBase;
        this.externals = externals;
        for (Sec s : Sec.values()) {
            items.put(s, new ArrayList<>());
        }
    }

    /** Assembles one source at the given text base. */
    public static Program assemble(String name, String source, long textBase) {
        return assemble(name, List.of(new Source(name, source)), textBase, Map.of());
    }

    /**
     * Assembles sources as one unit (one symbol namespace, like files given to one {@code as}
     * run) linked at {@code textBase}; symbols it does not define are looked up in {@code externals}.
     */
    public static Program assemble(String programName, List<Source> sources, long textBase,
                                   Map<String, Long> externals) {
        return assemble(programName, sources, textBase, externals, null);
    }

    /**
     * As above; {@code includes} finds the file an {@code .include "name"} names, given the name of
     * the including file (null, or returning null: the include is an error).
     */
    public static Program assemble(String programName, List<Source> sources, long textBase,
                                   Map<String, Long> externals, java.util.function.BiFunction<String, String, Source> includes) {
        if ((textBase & (PAGE - 1)) != 0) {
            throw new IllegalArgumentException("text base must be page aligned");
        }
        Assembler a = new Assembler(programName, textBase, externals);
        Parser.Unit unit = new Parser.Unit(includes);
        SourcePos lastPos = null;
        for (Source s : sources) {
            a.current = Sec.TEXT;
            for (Stmt st : new Parser(unit, s.name()).parse(s.text())) {
                a.statement(st);
                lastPos = st.pos();
            }
        }
        if (!a.conditions.isEmpty()) {
            throw new AsmException(lastPos, "end of input inside an `.if' (missing `.endif')");
        }
        return a.link();
    }

    // ------------------------------------------------------------------ pass 1: statements

    private final Expr.Env constEnv = new Expr.Env() {
        @Override
        public long symbol(String name, SourcePos pos) {
            SymDef d = symbols.get(name);
            if (d != null && d.constant != null) {
                return d.constant;
            }
            throw new AsmException(pos, "symbol " + Parser.display(name) + " is not a constant at this point");
        }

        @Override
        public boolean isEarlyConstant(String name) {
            SymDef d = symbols.get(name);
            return d != null && d.constant != null;
        }

        @Override
        public long dot() {
            throw new IllegalStateException("`.' is never constant");
        }
    };

    private void add(Item it, SourcePos pos) {
        it.sec = current;
        it.pos = pos;
        items.get(current).add(it);
    }

    /** Conditional assembly: one entry per open .if, true while its branch is being assembled. */
    private final Deque<boolean[]> conditions = new ArrayDeque<>(); // {active now, some branch taken}

    private boolean assembling() {
        for (boolean[] c : conditions) {
            if (!c[0]) {
                return false;
            }
        }
        return true;
    }

    /** .if/.ifdef/.ifndef/.elseif/.else/.endif; returns true if the statement was one of them. */
    private boolean conditional(Stmt st) {
        if (!(st instanceof Stmt.Directive d)) {
            return false;
        }
        String n = d.name();
        switch (n) {
            case ".if", ".ifdef", ".ifndef" -> {
                boolean outer = assembling();
                boolean value = outer && evaluateCondition(d);
                conditions.push(new boolean[] {value, value});
                return true;
            }
            case ".elseif" -> {
                boolean[] c = requireOpen(d);
                conditions.pop();
                boolean outer = assembling();
                boolean value = outer && !c[1] && evaluateCondition(d);
                conditions.push(new boolean[] {value, c[1] || value});
                return true;
            }
            case ".else" -> {
                boolean[] c = requireOpen(d);
                c[0] = !c[1];
                c[1] = true;
                return true;
            }
            case ".endif" -> {
                requireOpen(d);
                conditions.pop();
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private boolean[] requireOpen(Stmt.Directive d) {
        if (conditions.isEmpty()) {
            throw new AsmException(d.pos(), "`" + d.name() + "' without `.if'");
        }
        return conditions.peek();
    }

    private boolean evaluateCondition(Stmt.Directive d) {
        TokenStream ts = args(d);
        if (d.name().equals(".ifdef") || d.name().equals(".ifndef")) {
            Token t = ts.next();
            if (t.kind() != Token.Kind.IDENT) {
                throw new AsmException(ts.pos(t), "expected a symbol name after `" + d.name() + "', found "
                    + t.describe());
            }
            ts.expectEnd();
            boolean defined = symbols.containsKey(t.text());
            return d.name().equals(".ifdef") == defined;
        }
        long v = constArg(ts, d.name());
        ts.expectEnd();
        return v != 0;
    }

    private void statement(Stmt st) {
        if (conditional(st) || !assembling()) {
            return;
        }
        switch (st) {
            case Stmt.Label l -> {
                defineCheck(l.name(), l.pos());
                LabelItem it = new LabelItem();
                it.name = l.name();
                add(it, l.pos());
                SymDef d = new SymDef();
                d.label = it;
                d.pos = l.pos();
                symbols.put(l.name(), d);
            }
            case Stmt.Instruction ins -> {
                if (current != Sec.TEXT) {
                    throw new AsmException(ins.pos(), "instructions belong in .text, not in ."
                        + current.name().toLowerCase());
                }
                InstrItem it = new InstrItem();
                it.in = new Matcher(constEnv).match(ins);
                add(it, ins.pos());
                if (it.in.relaxable) {
                    relaxable.add(it);
                }
            }
            case Stmt.Directive d -> directive(d);
        }
    }

    private void defineCheck(String name, SourcePos pos) {
        SymDef old = symbols.get(name);
        if (old != null) {
            throw new AsmException(pos, "symbol " + Parser.display(name) + " is already defined at " + old.pos);
        }
    }

    private TokenStream args(Stmt.Directive d) {
        List<Token> toks = new ArrayList<>(d.args());
        if (toks.isEmpty() || toks.get(toks.size() - 1).kind() != Token.Kind.END) {
            toks.add(new Token(Token.Kind.END, "", 0, d.pos().col() + d.name().length()));
        }
        return new TokenStream(toks, d.pos().file(), d.pos().line(), n -> null, n -> null);
    }

    private long constArg(TokenStream ts, String directive) {
        SourcePos p = ts.pos();
        Expr e = ts.expr();
        if (!e.isConstant(constEnv)) {
            throw new AsmException(p, "`" + directive + "' needs a constant expression");
        }
        return e.eval(constEnv);
    }

    private void directive(Stmt.Directive d) {
        String name = d.name();
        TokenStream ts = args(d);
        if (name.startsWith(".cfi_")) {
            return;
        }
        switch (name) {
            case ".text" -> section(Sec.TEXT, ts);
            case ".data" -> section(Sec.DATA, ts);
            case ".bss" -> section(Sec.BSS, ts);
            case ".section", ".pushsection" -> {
                Token t = ts.next();
                String sec = t.kind() == Token.Kind.STRING || t.kind() == Token.Kind.IDENT ? t.text() : "";
                if (sec.startsWith(".note")) {
                    return; // .note.GNU-stack and friends carry nothing to load
                }
                Sec s = sectionByName(sec, ts.pos(t));
                if (name.equals(".pushsection")) {
                    sectionStack.push(current);
                }
                current = s;
            }
            case ".popsection" -> {
                if (sectionStack.isEmpty()) {
                    throw new AsmException(d.pos(), "`.popsection' without a matching `.pushsection'");
                }
                current = sectionStack.pop();
            }
            case ".previous" -> throw new AsmException(d.pos(), "`.previous' is outside the subset; "
                + "use .pushsection/.popsection");
            case ".globl", ".global" -> {
                do {
                    Token t = ts.next();
                    if (t.kind() != Token.Kind.IDENT) {
                        throw new AsmException(ts.pos(t), "expected a symbol name, found " + t.describe());
                    }
                    globals.add(t.text());
                } while (ts.accept(","));
                ts.expectEnd();
            }
            case ".type", ".size", ".file", ".ident", ".loc", ".code64", ".hidden", ".local", ".weak" -> {
                // symbol metadata for a linker that we do not need
            }
            case ".intel_syntax" -> throw new AsmException(d.pos(), "smpsim reads AT&T syntax only");
            case ".align", ".balign", ".p2align" -> align(d, ts);
            case ".byte" -> data(d, ts, 1);
            case ".word", ".short", ".hword", ".value" -> data(d, ts, 2);
            case ".long", ".int" -> data(d, ts, 4);
            case ".quad" -> data(d, ts, 8);
            case ".ascii", ".asciz", ".string" -> {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                do {
                    Token t = ts.next();
                    if (t.kind() != Token.Kind.STRING) {
                        throw new AsmException(ts.pos(t), "expected a string, found " + t.describe());
                    }
                    byte[] s = t.text().getBytes(StandardCharsets.ISO_8859_1);
                    b.write(s, 0, s.length);
                    if (!name.equals(".ascii")) {
                        b.write(0);
                    }
                } while (ts.accept(","));
                ts.expectEnd();
                bytes(d, b.toByteArray());
            }
            case ".skip", ".space", ".zero" -> {
                long n = constArg(ts, name);
                long fill = 0;
                if (!name.equals(".zero") && ts.accept(",")) {
                    fill = constArg(ts, name);
                }
                ts.expectEnd();
                if (n < 0 || n > (1L << 30)) {
                    throw new AsmException(d.pos(), "`" + name + "' size " + n + " is out of range");
                }
                if (current == Sec.BSS) {
                    if (fill != 0) {
                        throw new AsmException(d.pos(), "data in .bss must be zero");
                    }
                    BytesItem it = new BytesItem();
                    it.size = (int) n;
                    add(it, d.pos());
                } else {
                    byte[] b = new byte[(int) n];
                    java.util.Arrays.fill(b, (byte) fill);
                    bytes(d, b);
                }
            }
            case ".set", ".equ" -> {
                Token t = ts.next();
                if (t.kind() != Token.Kind.IDENT) {
                    throw new AsmException(ts.pos(t), "expected a symbol name, found " + t.describe());
                }
                ts.expect(",", "`,' after the symbol name");
                Expr e = pinDot(ts.expr());
                ts.expectEnd();
                defineCheck(t.text(), ts.pos(t));
                SymDef def = new SymDef();
                def.expr = e;
                def.pos = ts.pos(t);
                if (e.isConstant(constEnv)) {
                    def.constant = e.eval(constEnv);
                }
                symbols.put(t.text(), def);
            }
            default -> throw new AsmException(d.pos(), "unknown directive `" + name + "'");
        }
    }

    private int hiddenLabels;

    /** `.' in a .set means the location of the .set itself: pin it to a hidden label placed here. */
    private Expr pinDot(Expr e) {
        return switch (e) {
            case Expr.Dot d -> {
                String name = ".Ldot^" + (hiddenLabels++);
                LabelItem it = new LabelItem();
                it.name = name;
                add(it, d.pos());
                SymDef def = new SymDef();
                def.label = it;
                def.pos = d.pos();
                symbols.put(name, def);
                yield new Expr.Sym(name, d.pos());
            }
            case Expr.Unary u -> new Expr.Unary(u.op(), pinDot(u.operand()), u.pos());
            case Expr.Binary b -> new Expr.Binary(b.op(), pinDot(b.left()), pinDot(b.right()), b.pos());
            default -> e;
        };
    }

    private void section(Sec s, TokenStream ts) {
        ts.expectEnd();
        current = s;
    }

    private static Sec sectionByName(String sec, SourcePos p) {
        if (sec.equals(".text") || sec.startsWith(".text.")) {
            return Sec.TEXT;
        }
        if (sec.equals(".data") || sec.startsWith(".data.") || sec.equals(".rodata") || sec.startsWith(".rodata.")) {
            return Sec.DATA;
        }
        if (sec.equals(".bss") || sec.startsWith(".bss.")) {
            return Sec.BSS;
        }
        throw new AsmException(p, "unknown section `" + sec + "': the subset has .text, .data (and .rodata) "
            + "and .bss");
    }

    private void align(Stmt.Directive d, TokenStream ts) {
        long v = constArg(ts, d.name());
        long align = d.name().equals(".p2align") ? 1L << v : v;
        if (align <= 0 || Long.bitCount(align) != 1) {
            throw new AsmException(d.pos(), "alignment " + v + " is not a power of 2");
        }
        int fill = -1;
        long max = Long.MAX_VALUE;
        if (ts.accept(",")) {
            if (!ts.peek().is(",")) {
                fill = (int) (constArg(ts, d.name()) & 0xFF);
            }
            if (ts.accept(",")) {
                max = constArg(ts, d.name());
            }
        }
        ts.expectEnd();
        AlignItem it = new AlignItem();
        it.align = align;
        it.fill = fill;
        it.max = max;
        add(it, d.pos());
    }

    private void data(Stmt.Directive d, TokenStream ts, int unit) {
        List<Expr> values = new ArrayList<>();
        do {
            values.add(ts.expr());
        } while (ts.accept(","));
        ts.expectEnd();
        if (current == Sec.BSS) {
            for (Expr e : values) {
                if (!e.isConstant(constEnv) || e.eval(constEnv) != 0) {
                    throw new AsmException(e.pos(), "data in .bss must be zero; reserve space with .skip");
                }
            }
        }
        DataItem it = new DataItem();
        it.unit = unit;
        it.values = values;
        it.size = unit * values.size();
        add(it, d.pos());
    }

    private void bytes(Stmt.Directive d, byte[] b) {
        if (current == Sec.BSS) {
            for (byte x : b) {
                if (x != 0) {
                    throw new AsmException(d.pos(), "data in .bss must be zero; reserve space with .skip");
                }
            }
        }
        BytesItem it = new BytesItem();
        it.bytes = b;
        it.size = b.length;
        add(it, d.pos());
    }

    // ------------------------------------------------------------------ pass 2: layout and relaxation

    private final Expr.Env linkEnv = new Expr.Env() {
        @Override
        public long symbol(String name, SourcePos pos) {
            SymDef d = symbols.get(name);
            if (d == null) {
                Long ext = externals.get(name);
                if (ext != null) {
                    return ext;
                }
                if (finalPass) {
                    throw new AsmException(pos, "undefined symbol " + Parser.display(name));
                }
                return 0;
            }
            if (d.label != null) {
                return d.label.addr;
            }
            if (d.constant != null) {
                return d.constant;
            }
            if (d.evaluating) {
                throw new AsmException(pos, "symbol " + Parser.display(name) + " is defined in terms of itself");
            }
            d.evaluating = true;
            try {
                long saved = dot;
                long v = d.expr.eval(this);
                dot = saved;
                return v;
            } finally {
                d.evaluating = false;
            }
        }

        @Override
        public boolean isEarlyConstant(String name) {
            return constEnv.isEarlyConstant(name);
        }

        @Override
        public long dot() {
            return dot;
        }
    };

    private static long alignUp(long v, long a) {
        return (v + a - 1) & -a;
    }

    private static long padding(AlignItem a, long addr) {
        long pad = alignUp(addr, a.align) - addr;
        return pad > a.max ? 0 : pad;
    }

    private long layoutSection(Sec s, long base) {
        long addr = base;
        for (Item it : items.get(s)) {
            it.addr = addr;
            dot = addr;
            if (it instanceof InstrItem ii) {
                ii.size = Encoder.encode(ii.in, linkEnv, addr, false).length;
            } else if (it instanceof AlignItem a) {
                a.size = (int) padding(a, addr);
            }
            addr += it.size;
        }
        return addr;
    }

    private long[] layout() {
        long textEnd = layoutSection(Sec.TEXT, textBase);
        long dataBase = alignUp(textEnd, PAGE);
        long dataEnd = layoutSection(Sec.DATA, dataBase);
        long bssBase = alignUp(dataEnd, PAGE);
        long bssEnd = layoutSection(Sec.BSS, bssBase);
        return new long[] {textEnd, dataBase, dataEnd, bssBase, bssEnd};
    }

    private long[] relax() {
        while (true) {
            long[] l = layout();
            boolean changed = false;
            for (InstrItem it : relaxable) {
                if (it.in.relSize != 1) {
                    continue;
                }
                dot = it.addr;
                long target = it.in.target.eval(linkEnv);
                long d = target - (it.addr + it.size);
                boolean sameSection = isTextAddress(target, l[0]);
                if (d < -128 || d > 127 || !sameSection) {
                    it.in.makeNear();
                    changed = true;
                }
            }
            if (!changed) {
                return l;
            }
        }
    }

    private boolean isTextAddress(long a, long textEnd) {
        return a >= textBase && a <= textEnd;
    }

    // ------------------------------------------------------------------ what GNU as can resolve

    /** The kind of value an expression has for GNU as: absolute, or one symbol's section plus a constant. */
    private static final int ABS = -1;
    private static final int UNDEFINED_SECTION = 3;
    private static final int INVALID = -2;

    /**
     * Checks that GNU as could encode the expression: a constant, or a symbol plus or minus a
     * constant, or the difference of two symbols in one section. Anything else (a label masked,
     * shifted or multiplied, say) would assemble here but not with {@code as}, so it is an error.
     */
    private void checkResolvable(Expr e, Sec dotSection) {
        if (relocKind(e, dotSection, 0) == INVALID) {
            throw new AsmException(e.pos(), "GNU as cannot resolve this expression at assembly time: only "
                + "constants, symbol + constant and the difference of two symbols in one section are allowed "
                + "with labels");
        }
    }

    private int relocKind(Expr e, Sec dotSection, int depth) {
        if (depth > 100) {
            return INVALID;
        }
        switch (e) {
            case Expr.Num n -> {
                return ABS;
            }
            case Expr.Dot d -> {
                return dotSection.ordinal();
            }
            case Expr.Sym sym -> {
                SymDef d = symbols.get(sym.name());
                if (d == null) {
                    return UNDEFINED_SECTION;
                }
                if (d.label != null) {
                    return d.label.sec.ordinal();
                }
                if (d.constant != null) {
                    return ABS;
                }
                return relocKind(d.expr, dotSection, depth + 1);
            }
            case Expr.Unary u -> {
                int k = relocKind(u.operand(), dotSection, depth + 1);
                return k == ABS || u.op().equals("+") ? k : INVALID;
            }
            case Expr.Binary b -> {
                int l = relocKind(b.left(), dotSection, depth + 1);
                int r = relocKind(b.right(), dotSection, depth + 1);
                if (l == INVALID || r == INVALID) {
                    return INVALID;
                }
                switch (b.op()) {
                    case "+" -> {
                        return l == ABS ? r : (r == ABS ? l : INVALID);
                    }
                    case "-" -> {
                        if (r == ABS) {
                            return l;
                        }
                        return l == r && l != UNDEFINED_SECTION ? ABS : INVALID;
                    }
                    default -> {
                        return l == ABS && r == ABS ? ABS : INVALID;
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ pass 3: emit and decode

    private Program link() {
        long[] l = relax();
        finalPass = true;
        long textEnd = l[0];
        long dataBase = l[1];
        long dataEnd = l[2];
        long bssBase = l[3];
        long bssEnd = l[4];
        byte[] text = emit(Sec.TEXT, textBase, textEnd);
        byte[] data = emit(Sec.DATA, dataBase, dataEnd);
        Map<String, Long> syms = new HashMap<>();
        for (var e : symbols.entrySet()) {
            if (!e.getKey().startsWith(".L")) {
                syms.put(e.getKey(), linkEnv.symbol(e.getKey(), e.getValue().pos));
            }
        }
        DecodedCode decoded = decode(textEnd);
        return new Program(programName, textBase, text, dataBase, data, bssBase, bssEnd - bssBase, syms, globals,
            decoded);
    }

    private byte[] emit(Sec s, long base, long end) {
        byte[] out = new byte[(int) (end - base)];
        for (Item it : items.get(s)) {
            int off = (int) (it.addr - base);
            dot = it.addr;
            switch (it) {
                case InstrItem ii -> {
                    for (Expr e : exprsOf(ii.in)) {
                        checkResolvable(e, s);
                    }
                    ii.bytes = Encoder.encode(ii.in, linkEnv, it.addr, true);
                    if (ii.bytes.length != ii.size) {
                        throw new IllegalStateException("instruction size changed after layout at " + it.pos);
                    }
                    System.arraycopy(ii.bytes, 0, out, off, ii.bytes.length);
                }
                case DataItem di -> {
                    for (int k = 0; k < di.values.size(); k++) {
                        Expr e = di.values.get(k);
                        checkResolvable(e, s);
                        long v = e.eval(linkEnv);
                        if (di.unit < 8) {
                            long lo = -(1L << (di.unit * 8 - 1));
                            long hi = (1L << (di.unit * 8)) - 1;
                            if (v < lo || v > hi) {
                                throw new AsmException(e.pos(), "value 0x" + Long.toHexString(v) + " does not fit in "
                                    + di.unit + " byte" + (di.unit > 1 ? "s" : ""));
                            }
                        }
                        for (int b = 0; b < di.unit; b++) {
                            out[off + k * di.unit + b] = (byte) (v >>> (8 * b));
                        }
                    }
                }
                case BytesItem bi -> {
                    if (bi.bytes != null) {
                        System.arraycopy(bi.bytes, 0, out, off, bi.bytes.length);
                    }
                }
                case AlignItem ai -> {
                    if (ai.fill >= 0 || s != Sec.TEXT) {
                        java.util.Arrays.fill(out, off, off + ai.size, (byte) Math.max(ai.fill, 0));
                    } else {
                        int at = off;
                        for (int chunk : NopPadding.chunks(ai.size)) {
                            byte[] pat = NopPadding.pattern(chunk);
                            System.arraycopy(pat, 0, out, at, chunk);
                            at += chunk;
                        }
                    }
                }
                default -> { }
            }
        }
        return out;
    }

    private static List<Expr> exprsOf(Instr in) {
        List<Expr> out = new ArrayList<>(3);
        if (in.immEncoded != null) {
            out.add(in.immEncoded);
        }
        if (in.target != null) {
            out.add(in.target);
        }
        if (in.mem != null && in.mem.disp() != null) {
            out.add(in.mem.disp());
        } else if (in.modrmMem != null && in.modrmMem.disp() != null) {
            out.add(in.modrmMem.disp());
        }
        return out;
    }

    /** Builds the step loop's form of the text section. */
    private DecodedCode decode(long textEnd) {
        int textLength = (int) (textEnd - textBase);
        List<long[]> entries = new ArrayList<>(); // {addr, len, kind(0 instr,1 nop,2 bad), itemIndex}
        List<Item> text = items.get(Sec.TEXT);
        for (int k = 0; k < text.size(); k++) {
            Item it = text.get(k);
            if (it instanceof InstrItem) {
                entries.add(new long[] {it.addr, it.size, 0, k});
            } else if (it instanceof AlignItem ai && ai.size > 0) {
                if (ai.fill >= 0) {
                    entries.add(new long[] {it.addr, it.size, 2, k});
                } else {
                    long a = it.addr;
                    for (int chunk : NopPadding.chunks(ai.size)) {
                        entries.add(new long[] {a, chunk, 1, k});
                        a += chunk;
                    }
                }
            } else if ((it instanceof DataItem || it instanceof BytesItem) && it.size > 0) {
                entries.add(new long[] {it.addr, it.size, 2, k});
            }
        }
        entries.add(new long[] {textEnd, 1, 2, -1}); // falling off the end of .text
        int n = entries.size();
        int[] code = new int[n * DecodedCode.STRIDE];
        long[] imm = new long[n * 2];
        long[] rip = new long[n];
        int[] indexAt = new int[textLength];
        java.util.Arrays.fill(indexAt, -1);
        String[] where = new String[n];
        String[] texts = new String[n];
        for (int i = 0; i < n; i++) {
            long[] e = entries.get(i);
            rip[i] = e[0];
            if (e[0] - textBase < textLength) {
                indexAt[(int) (e[0] - textBase)] = i;
            }
            Item it = e[3] >= 0 ? text.get((int) e[3]) : null;
            where[i] = it != null ? it.pos.file() + ":" + it.pos.line() : programName + ":end";
            int b = i * DecodedCode.STRIDE;
            code[b + 2] = Reg.ZERO;
            code[b + 3] = Reg.ZERO;
            code[b + 4] = Reg.ZERO;
            code[b + 5] = Reg.ZERO;
            code[b + 7] = -1;
            int len = (int) e[1];
            int seg = Reg.ZERO;
            int flags = 0;
            long prev = i > 0 ? rip[i - 1] : -1;
            if (i == 0 || (e[0] >>> 12) != (prev >>> 12) || (e[0] >>> 12) != ((e[0] + len - 1) >>> 12)) {
                flags |= Op.F_NEWPAGE;
            }
            if (e[2] == 1) {
                code[b] = Op.NOP;
                code[b + 1] = 8 | flags << 12;
                texts[i] = "nop (alignment)";
            } else if (e[2] == 2) {
                code[b] = Op.BAD;
                code[b + 1] = 8 | flags << 12;
                texts[i] = it == null ? "(end of .text)" : "(data in .text)";
            } else {
                Instr in = ((InstrItem) it).in;
                texts[i] = in.stmt.text();
                dot = e[0];
                flags |= in.flags;
                code[b] = in.op;
                if (in.ra >= 0) {
                    code[b + 2] = in.ra;
                }
                if (in.rb >= 0) {
                    code[b + 3] = in.rb;
                }
                Operand.Mem m = in.mem;
                if (m != null) {
                    if (in.moffs) {
                        imm[2 * i + 1] = m.disp().eval(linkEnv);
                    } else {
                        code[b + 4] = m.ripRelative() ? Reg.RIP_DELTA : (m.base() != null ? m.base().num() : Reg.ZERO);
                        code[b + 5] = m.index() != null ? m.index().num() : Reg.ZERO;
                        long disp = m.disp() == null ? 0 : m.disp().eval(linkEnv);
                        if (m.ripRelative() && in.ripConstant) {
                            disp += e[0] + len;
                        }
                        imm[2 * i + 1] = disp;
                    }
                    if (in.op != Op.LEA) {
                        seg = m.segment() == 4 ? Reg.FS_BASE : (m.segment() == 5 ? Reg.GS_BASE : Reg.ZERO);
                        if (seg == Reg.GS_BASE) {
                            flags |= Op.F_GS;
                        }
                    }
                }
                if (in.target != null) {
                    long t = in.target.eval(linkEnv);
                    imm[2 * i] = t;
                } else if (in.immValue != null) {
                    imm[2 * i] = in.immValue.eval(linkEnv);
                }
                code[b + 1] = in.size | (in.sub & 0xFF) << 4 | flags << 12;
                int scaleBits = m == null ? 0 : Integer.numberOfTrailingZeros(m.scale());
                code[b + 6] = scaleBits | seg << 4 | len << 12;
                continue;
            }
            code[b + 6] = len << 12;
        }
        // resolve direct branch targets to indices
        for (int i = 0; i < n; i++) {
            int b = i * DecodedCode.STRIDE;
            int op = code[b];
            if (op == Op.JMP || op == Op.JCC || op == Op.CALL) {
                long off = imm[2 * i] - textBase;
                code[b + 7] = off >= 0 && off < textLength ? indexAt[(int) off] : -1;
            }
        }
        return new DecodedCode(code, imm, rip, textBase, textLength, indexAt, where, texts);
    }
}
