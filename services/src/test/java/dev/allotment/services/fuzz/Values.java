package dev.allotment.services.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Random;

/** Odd values to put where a valid one was: strings, numbers, quoted numbers, ids, as the fuzz's generators draw them. */
final class Values {
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    static final List<String> ODD_STRINGS = List.of("", " ", "  padded  ", "\u0000", "a\u0001b", "\u007f", "x\u0085", "tab\there",
        "line\nbreak", "cr\rlf", "emoji \uD83D\uDE80 rocket", "\u05E8\u05D5\u05BC\u05D7\u05B7", "e\u0301", "\uFEFFbom",
        "lone \uD800 surrogate", "\uDC00", "\u200B", "\u00A0nbsp\u00A0", "null", "true", "0", "-1", "../..", "%00", "a/b?c#d",
        "<script>alert(1)</script>", "' OR 1=1 --", "${jndi:ldap://x/a}", "\\", "\"", "{}", "[]", "\u4E2D\u6587", "\uFFFF",
        "\uD83D\uDE00".repeat(128), "Ω≈ç√∫˜µ≤≥÷");

    static final List<String> QUOTED_NUMBERS = List.of("22", " 22 ", "22.0", "2.5", "1e3", "+5", "-5", "0", "-0", "0x10", "NaN",
        "Infinity", "", "١٢", "2147483648", "99999999999999999999", "1000000000", "1000000001", "1,000", "12abc");

    private Values() {}

    static String oddString(Random random) {
        return random.nextInt(5) == 0 ? longString(random) : pick(random, ODD_STRINGS);
    }

    /** Strings about the limits: ids (128), texts (2,048), and far past them. */
    static String longString(Random random) {
        int length = pick(random, List.of(127, 128, 129, 2047, 2048, 2049, 10_000, 100_000));
        String unit = pick(random, List.of("x", "\u00E9", "\uD83D\uDE80", "ab "));
        StringBuilder s = new StringBuilder();
        while (s.codePointCount(0, s.length()) < length) {
            s.append(unit);
        }
        return s.toString();
    }

    static JsonNode oddNumber(Random random) {
        return switch (random.nextInt(19)) {
            case 0 -> NODES.numberNode(0);
            case 1 -> NODES.numberNode(-1);
            case 2 -> NODES.numberNode(new BigDecimal("1.5"));
            case 3 -> NODES.numberNode(new BigDecimal("1.0"));
            case 4 -> NODES.numberNode(new BigDecimal("1E+3"));
            case 5 -> NODES.numberNode(Integer.MAX_VALUE);
            case 6 -> NODES.numberNode(2_147_483_648L);
            case 7 -> NODES.numberNode(-2_147_483_649L);
            case 8 -> NODES.numberNode(Long.MAX_VALUE);
            case 9 -> NODES.numberNode(new BigInteger("9223372036854775808"));
            case 10 -> NODES.numberNode(new BigDecimal("1E+400"));
            case 11 -> NODES.numberNode(new BigDecimal("-1E+400"));
            case 12 -> NODES.numberNode(1_000_000_000);
            case 13 -> NODES.numberNode(1_000_000_001);
            case 14 -> NODES.numberNode(-1_000_000_001);
            case 15 -> NODES.numberNode(new BigDecimal("1.0000000000000000000001"));
            case 16 -> NODES.numberNode(new BigInteger("123456789012345678901234567890"));
            case 17 -> NODES.numberNode(new BigDecimal("2.9999999999999999999"));
            default -> NODES.numberNode(new BigDecimal("1E-7"));
        };
    }

    /** An id that breaks the id rule, or stretches it: control characters, whitespace at an end, 129 characters, odd scripts. */
    static String oddId(Random random, String valid) {
        return switch (random.nextInt(9)) {
            case 0 -> valid + "\u0001";
            case 1 -> " " + valid;
            case 2 -> valid + "\t";
            case 3 -> "i".repeat(129);
            case 4 -> "i".repeat(128);
            case 5 -> valid + " \uD83D\uDE80 \u05E9";
            case 6 -> valid + "\u0000x";
            case 7 -> "";
            default -> oddString(random);
        };
    }

    static <T> T pick(Random random, List<T> from) {
        return from.get(random.nextInt(from.size()));
    }
}
