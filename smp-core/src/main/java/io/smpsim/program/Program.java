package io.smpsim.program;

import java.util.Collections;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * An assembled and linked program: the bytes of its sections at their link addresses, its
 * symbols, and its text decoded for the step loop.
 */
public final class Program {
    private final String name;
    private final long textBase;
    private final byte[] text;
    private final long dataBase;
    private final byte[] data;
    private final long bssBase;
    private final long bssSize;
    private final Map<String, Long> symbols;
    private final Set<String> globals;
    private final DecodedCode decoded;

    public Program(String name, long textBase, byte[] text, long dataBase, byte[] data, long bssBase, long bssSize,
                   Map<String, Long> symbols, Set<String> globals, DecodedCode decoded) {
        this.name = name;
        this.textBase = textBase;
        this.text = text;
        this.dataBase = dataBase;
        this.data = data;
        this.bssBase = bssBase;
        this.bssSize = bssSize;
        this.symbols = Collections.unmodifiableMap(symbols);
        this.globals = Collections.unmodifiableSet(globals);
        this.decoded = decoded;
    }

    public String name() {
        return name;
    }

    public long textBase() {
        return textBase;
    }

    public byte[] text() {
        return text;
    }

    public long dataBase() {
        return dataBase;
    }

    public byte[] data() {
        return data;
    }

    public long bssBase() {
        return bssBase;
    }

    public long bssSize() {
        return bssSize;
    }

    /** First address past the program's last section. */
    public long end() {
        return bssBase + bssSize;
    }

    public Map<String, Long> symbols() {
        return symbols;
    }

    public Set<String> globals() {
        return globals;
    }

    public OptionalLong symbol(String name) {
        Long v = symbols.get(name);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    /** The address of a symbol that must exist. */
    public long require(String name) {
        Long v = symbols.get(name);
        if (v == null) {
            throw new IllegalArgumentException("program " + this.name + " has no symbol `" + name + "'");
        }
        return v;
    }

    public DecodedCode decoded() {
        return decoded;
    }
}
