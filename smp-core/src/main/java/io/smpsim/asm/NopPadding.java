package io.smpsim.asm;

/**
 * The multi-byte NOPs GNU as (2.40, x86-64, default tuning) fills alignment gaps in .text with:
 * as many 11-byte NOPs as fit, then one NOP of the remaining length.
 */
final class NopPadding {
    private NopPadding() {}

    private static final int[][] PATTERNS = {
        {},
        {0x90},
        {0x66, 0x90},
        {0x0F, 0x1F, 0x00},
        {0x0F, 0x1F, 0x40, 0x00},
        {0x0F, 0x1F, 0x44, 0x00, 0x00},
        {0x66, 0x0F, 0x1F, 0x44, 0x00, 0x00},
        {0x0F, 0x1F, 0x80, 0x00, 0x00, 0x00, 0x00},
        {0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
        {0x66, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
        {0x66, 0x2E, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
        {0x66, 0x66, 0x2E, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00}};

    static int[] chunks(int gap) {
        int full = gap / 11;
        int rest = gap % 11;
        int[] out = new int[full + (rest > 0 ? 1 : 0)];
        for (int i = 0; i < full; i++) {
            out[i] = 11;
        }
        if (rest > 0) {
            out[full] = rest;
        }
        return out;
    }

    static byte[] pattern(int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = (byte) PATTERNS[len][i];
        }
        return b;
    }
}
