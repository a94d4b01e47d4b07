package io.smpsim.asm;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a source file into statements: removes {@code #} and C-style comments (keeping columns),
 * and splits lines at {@code ;} outside strings.
 */
final class SourceText {
    private SourceText() {}

    /** One statement: its text, the line it is on and the 1-based column its text starts at. */
    record Statement(String text, int line, int col) {}

    static List<Statement> statements(String file, String source) {
        List<Statement> out = new ArrayList<>();
        String[] lines = source.split("\n", -1);
        boolean inBlock = false;
        SourcePos blockStart = null;
        for (int ln = 0; ln < lines.length; ln++) {
            String raw = lines[ln];
            if (raw.endsWith("\r")) {
                raw = raw.substring(0, raw.length() - 1);
            }
            StringBuilder clean = new StringBuilder(raw.length());
            boolean inString = false;
            for (int i = 0; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (inBlock) {
                    if (c == '*' && i + 1 < raw.length() && raw.charAt(i + 1) == '/') {
                        inBlock = false;
                        clean.append("  ");
                        i++;
                    } else {
                        clean.append(' ');
                    }
                    continue;
                }
                if (inString) {
                    clean.append(c);
                    if (c == '\\' && i + 1 < raw.length()) {
                        clean.append(raw.charAt(++i));
                    } else if (c == '"') {
                        inString = false;
                    }
                    continue;
                }
                if (c == '"') {
                    inString = true;
                    clean.append(c);
                } else if (c == '\'' && i + 1 < raw.length()) {
                    // character constant: keep it and the character after, which may be '#' or ';'
                    clean.append(c);
                    clean.append(raw.charAt(++i));
                    if (raw.charAt(i) == '\\' && i + 1 < raw.length()) {
                        clean.append(raw.charAt(++i));
                    }
                } else if (c == '#') {
                    break;
                } else if (c == '/' && i + 1 < raw.length() && raw.charAt(i + 1) == '*') {
                    inBlock = true;
                    blockStart = new SourcePos(file, ln + 1, i + 1);
                    clean.append("  ");
                    i++;
                } else {
                    clean.append(c);
                }
            }
            splitStatements(clean.toString(), ln + 1, out);
        }
        if (inBlock) {
            throw new AsmException(blockStart, "unterminated comment `/*'");
        }
        return out;
    }

    private static void splitStatements(String line, int lineNo, List<Statement> out) {
        int start = 0;
        boolean inString = false;
        for (int i = 0; i <= line.length(); i++) {
            char c = i < line.length() ? line.charAt(i) : ';';
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            if (c == '"') {
                inString = true;
            } else if (c == '\'' && i + 1 < line.length()) {
                i++;
            } else if (c == ';') {
                String text = line.substring(start, Math.min(i, line.length()));
                if (!text.isBlank()) {
                    out.add(new Statement(text, lineNo, start + 1));
                }
                start = i + 1;
            }
        }
        if (inString && start < line.length()) {
            out.add(new Statement(line.substring(start), lineNo, start + 1)); // the lexer reports the open string
        }
    }
}
