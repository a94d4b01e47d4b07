package io.smpsim.cli;

import picocli.CommandLine;

/** Parses memory sizes such as 64M, 1G, 512K or a plain byte count. */
public final class Sizes implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String s) {
        return parse(s);
    }

    public static long parse(String text) {
        String s = text.trim().toUpperCase();
        long mult = 1;
        if (s.endsWith("IB")) {
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("B")) {
            s = s.substring(0, s.length() - 1);
        }
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'K' -> mult = 1L << 10;
                case 'M' -> mult = 1L << 20;
                case 'G' -> mult = 1L << 30;
                default -> mult = 1;
            }
            if (mult != 1) {
                s = s.substring(0, s.length() - 1);
            }
        }
        long n;
        try {
            n = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("`" + text
                + "' is not a size: use a number of bytes with an optional K, M or G (e.g. 64M)");
        }
        if (n <= 0 || n > (64L << 30) / mult) {
            throw new CommandLine.TypeConversionException("`" + text + "' is out of range: 4K to 64G");
        }
        long bytes = n * mult;
        if ((bytes & 0xFFF) != 0) {
            throw new CommandLine.TypeConversionException("`" + text + "' is not a multiple of 4K (a page)");
        }
        return bytes;
    }
}
