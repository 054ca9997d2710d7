package dev.allotment.streams.allocation;

/**
 * Zero-padded decimal numbers for store keys that must sort by number: exactly what
 * {@code String.format("%0<width>d", value)} gives, without a {@link java.util.Formatter} per key (that parse was a
 * few percent of the stream thread's time on the hot paths that build keys).
 */
public final class SortableDigits {
    private SortableDigits() {}

    public static String padded(long value, int width) {
        if (value < 0) {
            return String.format("%0" + width + "d", value);   // keys never hold negatives; kept exact all the same
        }
        String digits = Long.toString(value);
        int pad = width - digits.length();
        if (pad <= 0) {
            return digits;
        }
        StringBuilder out = new StringBuilder(width);
        for (int i = 0; i < pad; i++) {
            out.append('0');
        }
        return out.append(digits).toString();
    }
}
