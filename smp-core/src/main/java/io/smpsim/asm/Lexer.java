package io.smpsim.asm;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one statement of GNU-as AT&T source into tokens. Comments are already gone (see
 * {@link SourceText}). Numbers follow GNU as: decimal, 0x hex, 0b binary, leading-0 octal, and
 * 'c character constants; {@code 1f}/{@code 1b} are references to numeric local labels.
 */
final class Lexer {
    private final String file;
    private final int line;
    private final String s;
    private final int colBase;
    private int i;

    Lexer(String file, int line, String statement, int colBase) {
        this.file = file;
        this.line = line;
        this.s = statement;
        this.colBase = colBase;
    }

    private SourcePos pos(int at) {
        return new SourcePos(file, line, colBase + at);
    }

    List<Token> tokenize() {
        List<Token> out = new ArrayList<>();
        while (true) {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i >= s.length()) {
                out.add(new Token(Token.Kind.END, "", 0, colBase + i));
                return out;
            }
            int start = i;
            char c = s.charAt(i);
            if (c == '%') {
                i++;
                int n = i;
                while (i < s.length() && Character.isLetterOrDigit(s.charAt(i))) {
                    i++;
                }
                if (n == i) {
                    throw new AsmException(pos(start), "expected a register name after `%'");
                }
                out.add(new Token(Token.Kind.REGISTER, s.substring(n, i).toLowerCase(), 0, colBase + start));
            } else if (Character.isDigit(c)) {
                out.add(number(start));
            } else if (isIdentStart(c)) {
                i++;
                while (i < s.length() && isIdentPart(s.charAt(i))) {
                    i++;
                }
                out.add(new Token(Token.Kind.IDENT, s.substring(start, i), 0, colBase + start));
            } else if (c == '"') {
                out.add(string(start));
            } else if (c == '\'') {
                if (i + 1 >= s.length()) {
                    throw new AsmException(pos(start), "expected a character after `''");
                }
                i++;
                long v;
                if (s.charAt(i) == '\\') {
                    int[] res = escape(i + 1, start);
                    v = res[0];
                    i = res[1];
                } else {
                    v = s.charAt(i);
                    i++;
                }
                if (i < s.length() && s.charAt(i) == '\'') {
                    i++;
                }
                out.add(new Token(Token.Kind.NUMBER, s.substring(start, i), v, colBase + start));
            } else {
                String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
                if (two.equals("<<") || two.equals(">>") || two.equals("==") || two.equals("!=")
                        || two.equals("<=") || two.equals(">=") || two.equals("&&") || two.equals("||")) {
                    i += 2;
                    out.add(new Token(Token.Kind.PUNCT, two, 0, colBase + start));
                } else if ("$,():*+-/&|^~!<>=[]@".indexOf(c) >= 0) {
                    i++;
                    out.add(new Token(Token.Kind.PUNCT, String.valueOf(c), 0, colBase + start));
                } else {
                    throw new AsmException(pos(start), "unexpected character `" + c + "'");
                }
            }
        }
    }

    static boolean isIdentStart(char c) {
        return Character.isLetter(c) || c == '_' || c == '.';
    }

    static boolean isIdentPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '$';
    }

    private Token number(int start) {
        // numeric local label reference: digits followed by f or b, not part of a longer word
        int j = i;
        while (j < s.length() && Character.isDigit(s.charAt(j))) {
            j++;
        }
        if (j < s.length() && (s.charAt(j) == 'f' || s.charAt(j) == 'b')
                && (j + 1 >= s.length() || !isIdentPart(s.charAt(j + 1)))) {
            i = j + 1;
            return new Token(Token.Kind.LOCAL_REF, s.substring(start, i), Long.parseLong(s.substring(start, j)),
                colBase + start);
        }
        int radix = 10;
        int digitsFrom = i;
        if (s.startsWith("0x", i) || s.startsWith("0X", i)) {
            radix = 16;
            digitsFrom = i + 2;
        } else if (s.startsWith("0b", i) || s.startsWith("0B", i)) {
            radix = 2;
            digitsFrom = i + 2;
        } else if (s.charAt(i) == '0' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1))) {
            radix = 8;
            digitsFrom = i + 1;
        }
        j = digitsFrom;
        while (j < s.length() && Character.isLetterOrDigit(s.charAt(j))) {
            j++;
        }
        String digits = s.substring(digitsFrom, j);
        i = j;
        if (digits.isEmpty()) {
            throw new AsmException(pos(start), "expected digits after `" + s.substring(start, digitsFrom) + "'");
        }
        try {
            long v = Long.parseUnsignedLong(digits, radix);
            return new Token(Token.Kind.NUMBER, s.substring(start, i), v, colBase + start);
        } catch (NumberFormatException e) {
            throw new AsmException(pos(start), "bad number `" + s.substring(start, i) + "'");
        }
    }

    private Token string(int start) {
        StringBuilder b = new StringBuilder();
        i++;
        while (true) {
            if (i >= s.length()) {
                throw new AsmException(pos(start), "missing closing `\"' of string");
            }
            char c = s.charAt(i);
            if (c == '"') {
                i++;
                break;
            }
            if (c == '\\') {
                int[] res = escape(i + 1, start);
                b.append((char) res[0]);
                i = res[1];
            } else {
                b.append(c);
                i++;
            }
        }
        return new Token(Token.Kind.STRING, b.toString(), 0, colBase + start);
    }

    /** Decodes the escape whose character is at {@code at}; returns {value, index after it}. */
    private int[] escape(int at, int start) {
        if (at >= s.length()) {
            throw new AsmException(pos(start), "unfinished escape sequence");
        }
        char e = s.charAt(at);
        switch (e) {
            case 'n': return new int[] {'\n', at + 1};
            case 't': return new int[] {'\t', at + 1};
            case 'r': return new int[] {'\r', at + 1};
            case 'b': return new int[] {'\b', at + 1};
            case 'f': return new int[] {'\f', at + 1};
            case '\\': return new int[] {'\\', at + 1};
            case '"': return new int[] {'"', at + 1};
            case '\'': return new int[] {'\'', at + 1};
            case 'x': {
                int j = at + 1;
                int v = 0;
                while (j < s.length() && Character.digit(s.charAt(j), 16) >= 0) {
                    v = (v * 16 + Character.digit(s.charAt(j), 16)) & 0xFF;
                    j++;
                }
                if (j == at + 1) {
                    throw new AsmException(pos(at - 1), "expected hex digits after `\\x'");
                }
                return new int[] {v, j};
            }
            default:
                if (e >= '0' && e <= '7') {
                    int j = at;
                    int v = 0;
                    while (j < s.length() && j < at + 3 && s.charAt(j) >= '0' && s.charAt(j) <= '7') {
                        v = v * 8 + (s.charAt(j) - '0');
                        j++;
                    }
                    return new int[] {v & 0xFF, j};
                }
                throw new AsmException(pos(at - 1), "unknown escape sequence `\\" + e + "'");
        }
    }
}
