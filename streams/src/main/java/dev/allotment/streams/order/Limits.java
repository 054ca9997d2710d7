package dev.allotment.streams.order;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * The limits of what the engine accepts, as plain rules that the HTTP edge and the engine's own contract checks (for
 * records published straight to Kafka) both call, so the two never disagree (documented in docs/api.md and
 * docs/configuration.md). Only the lines per order are a setting ({@code allotment.orders.max-lines}); the rest are fixed.
 *
 * <ul>
 * <li>An id (order, line, SKU, location, channel, idempotency key) is opaque: 1 to {@value #MAX_ID_LENGTH} characters, no
 *     ISO control character (store keys use U+0000 as their separator), no unpaired surrogate, no whitespace at either
 *     end.</li>
 * <li>A SKU id is an id without {@value #SHARD_MARK}: the engine names a hot SKU's shards {@code <sku>#<k>}
 *     (docs/design/sku-shards.md), so a SKU of that form would be taken for another SKU's shard.</li>
 * <li>A free text (order number, name, reason, webhook URL, a supplier's PO and invoice numbers) is at most
 *     {@value #MAX_TEXT_LENGTH} characters, with no unpaired surrogate.</li>
 * <li>An amount of money (a supplier's SKU cost) is a decimal that is not negative, kept exactly as text, at most
 *     {@value #MAX_DECIMAL_LENGTH} characters in its canonical form ({@link BigDecimal#toString}: 12.50, 1E+400).</li>
 * <li>A quantity is at most {@value #MAX_QUANTITY} either way: the wire keeps quantities as Avro {@code int}, and sums of
 *     them are taken in {@code long}.</li>
 * <li>An order has at most {@link #maxLines()} lines: its projection is rewritten with every decision about a line.</li>
 * </ul>
 */
public record Limits(int maxLines) {
    public static final int MAX_ID_LENGTH = 128;
    public static final int MAX_TEXT_LENGTH = 2_048;
    public static final int MAX_QUANTITY = 1_000_000_000;
    public static final int MAX_DECIMAL_LENGTH = 64;
    /** What separates a SKU from its shard's number in a shard key ({@code SKU-1#2}); no SKU id may contain it. */
    public static final char SHARD_MARK = '#';
    /** The most incoming batches one location keeps for a SKU (promise dates are computed over all of a SKU's batches). */
    public static final int MAX_INCOMING_BATCHES = 100;
    /**
     * 500: the order's projection holds every line and is rewritten for each decision about one, so an order costs about
     * the square of its lines (20,000 lines held every other order for about 4.4 minutes: 500 cost 1/1,600 of that); and
     * 500 lines with 128-character ids, each allocated in three parts, make a projection of 545 KB, where 1,000 make
     * 1.09 MB, past Kafka's default largest record (1 MB).
     */
    public static final int DEFAULT_MAX_LINES = 500;
    public static final Limits DEFAULTS = new Limits(DEFAULT_MAX_LINES);

    public Limits {
        if (maxLines < 1) {
            throw new IllegalArgumentException("an order must be allowed at least one line, was " + maxLines);
        }
    }

    /** Why {@code id} is not an acceptable id; empty when it is. */
    public static Optional<String> idProblem(String id) {
        int length = id == null ? 0 : id.codePointCount(0, id.length());
        if (length > MAX_ID_LENGTH) {
            return Optional.of("must be at most " + MAX_ID_LENGTH + " characters, was " + length);
        }
        return referenceProblem(id);
    }

    /** Why {@code sku} is not an acceptable SKU id: {@link #idProblem}, or it contains {@value #SHARD_MARK}; empty when it is. */
    public static Optional<String> skuProblem(String sku) {
        Optional<String> problem = idProblem(sku);
        if (problem.isPresent()) {
            return problem;
        }
        int at = sku.indexOf(SHARD_MARK);
        return at < 0 ? Optional.empty()
            : Optional.of("must not contain '" + SHARD_MARK + "' (at " + at + "): it names a SKU's shard");
    }

    /**
     * Why {@code id} cannot name anything the engine holds, whatever its length (ids the engine makes, such as allocation
     * and command ids, join a client's ids and may be longer than {@value #MAX_ID_LENGTH}); empty when it can.
     */
    public static Optional<String> referenceProblem(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.of("required");
        }
        for (int i = 0; i < id.length(); i++) {
            if (Character.isISOControl(id.charAt(i))) {
                return Optional.of(String.format("must not contain control character U+%04X (at %d)", (int) id.charAt(i), i));
            }
        }
        Optional<String> unpaired = unpairedSurrogate(id);
        if (unpaired.isPresent()) {
            return unpaired;
        }
        if (isSpace(id.codePointAt(0)) || isSpace(id.codePointBefore(id.length()))) {
            return Optional.of("must not start or end with whitespace");
        }
        return Optional.empty();
    }

    private static boolean isSpace(int codePoint) {
        return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint);
    }

    /** Why {@code text} is too long; empty when it is absent or short enough. */
    public static Optional<String> textProblem(String text) {
        int length = text == null ? 0 : text.codePointCount(0, text.length());
        return length > MAX_TEXT_LENGTH
            ? Optional.of("must be at most " + MAX_TEXT_LENGTH + " characters, was " + length) : Optional.empty();
    }

    /** Why {@code text} is not Unicode text (an unpaired surrogate); empty when it is absent or is. */
    public static Optional<String> charactersProblem(String text) {
        return text == null ? Optional.empty() : unpairedSurrogate(text);
    }

    /**
     * An unpaired UTF-16 surrogate (such as U+DC00 alone, which JSON can escape): not a character, and the events' UTF-8 cannot carry
     * it (Avro writes {@code ?} in its place), so what the engine kept would differ from what was sent.
     */
    private static Optional<String> unpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return Optional.of(String.format("must be Unicode text: an unpaired surrogate U+%04X (at %d)", (int) c, i));
            }
        }
        return Optional.empty();
    }

    /**
     * Why {@code text} is not an acceptable amount of money: not a decimal ({@link BigDecimal}'s syntax, which has no
     * infinity), negative, or longer than {@value #MAX_DECIMAL_LENGTH} characters; empty when it is absent or acceptable.
     */
    public static Optional<String> decimalProblem(String text) {
        if (text == null) {
            return Optional.empty();
        }
        if (text.length() > MAX_DECIMAL_LENGTH) {
            return Optional.of("must be at most " + MAX_DECIMAL_LENGTH + " characters, was " + text.length());
        }
        try {
            return new BigDecimal(text).signum() < 0 ? Optional.of("must not be negative, was " + text) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.of("must be a decimal number, was " + text);
        }
    }

    /** Why {@code quantity} is out of range (beyond {@value #MAX_QUANTITY} either way); empty when it is not. */
    public static Optional<String> quantityProblem(long quantity) {
        if (quantity > MAX_QUANTITY) {
            return Optional.of("must be at most " + MAX_QUANTITY + ", was " + quantity);
        }
        if (quantity < -MAX_QUANTITY) {
            return Optional.of("must be at least " + -MAX_QUANTITY + ", was " + quantity);
        }
        return Optional.empty();
    }

    /** Why an order of {@code lines} lines is too long; empty when it is not. */
    public Optional<String> linesProblem(int lines) {
        return lines > maxLines ? Optional.of("at most " + maxLines + " lines per order, was " + lines) : Optional.empty();
    }
}
