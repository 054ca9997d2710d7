package dev.allotment.streams.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link Limits}: the rules the edge and the engine share for ids, free texts, quantities and lines per order. */
class LimitsTest {
    @Test
    void anIdIsOpaqueUpTo128CharactersCountedAsCodePoints() {
        assertEquals(Optional.empty(), Limits.idProblem("ord_42"));
        assertEquals(Optional.empty(), Limits.idProblem("0b7c1a9e-3f5d-4c1e-9a7b-2d8e6f4a1c3b"));
        assertEquals(Optional.empty(), Limits.idProblem("a b/c?d#ü"), "inner spaces and any printable character");
        assertEquals(Optional.empty(), Limits.idProblem("x".repeat(128)));
        assertEquals(Optional.empty(), Limits.idProblem("😀".repeat(128)), "a character outside the BMP counts once");
        assertEquals(Optional.of("must be at most 128 characters, was 129"), Limits.idProblem("x".repeat(129)));
        assertEquals(Optional.of("required"), Limits.idProblem(""));
        assertEquals(Optional.of("required"), Limits.idProblem(null));
    }

    @Test
    void aSkuIsAnIdWithoutTheShardMarkWhichNamesASkusShard() {
        assertEquals(Optional.empty(), Limits.skuProblem("SKU-1"));
        assertEquals(Optional.empty(), Limits.idProblem("SKU-1#2"), "any other id may contain it");
        assertEquals(Optional.of("must not contain '#' (at 5): it names a SKU's shard"), Limits.skuProblem("SKU-1#2"));
        assertEquals(Optional.of("required"), Limits.skuProblem(""), "and the id rules still come first");
    }

    @Test
    void anIdHasNoControlCharacterAndNoWhitespaceAtEitherEnd() {
        assertEquals(Optional.of("must not contain control character U+0000 (at 1)"), Limits.idProblem("a\u0000b"));
        assertEquals(Optional.of("must not contain control character U+007F (at 0)"), Limits.idProblem("\u007fab"));
        assertEquals(Optional.of("must not contain control character U+0085 (at 2)"), Limits.idProblem("ab\u0085"));
        assertEquals(Optional.of("must not contain control character U+0009 (at 1)"), Limits.idProblem("a\tb"));
        assertEquals(Optional.of("must not start or end with whitespace"), Limits.idProblem(" ab"));
        assertEquals(Optional.of("must not start or end with whitespace"), Limits.idProblem("ab\u00a0"));
        assertEquals(Optional.of("must not start or end with whitespace"), Limits.idProblem("   "));
    }

    @Test
    void anIdOrATextIsUnicodeTextWithoutAnUnpairedSurrogate() {
        // found by HttpFuzzTest: a line id of U+DC00 alone was written as "?" to the order's event, so the edge compared the
        // order it saw with the one it was sent, answered 409, and the order had been placed
        assertEquals(Optional.of("must be Unicode text: an unpaired surrogate U+DC00 (at 0)"), Limits.idProblem("\uDC00"));
        assertEquals(Optional.of("must be Unicode text: an unpaired surrogate U+D83D (at 2)"), Limits.idProblem("ab\uD83D"));
        assertEquals(Optional.of("must be Unicode text: an unpaired surrogate U+D83D (at 1)"), Limits.idProblem("a\uD83Db"));
        assertEquals(Optional.of("must be Unicode text: an unpaired surrogate U+DE00 (at 3)"),
            Limits.charactersProblem("no \uDE00 pair"));
        assertEquals(Optional.empty(), Limits.textProblem("no \uDE00 pair"), "its length is another rule");
        assertEquals(Optional.empty(), Limits.idProblem("l-\uD83D\uDE00"), "a pair is one character (U+1F600)");
        assertEquals(Optional.empty(), Limits.charactersProblem("\uD83D\uDE00 shipped"));
    }

    @Test
    void anIdTheEngineMadeMayBeLongerYetHasTheRulesCharacters() {
        String allocationId = "al-" + "7".repeat(25) + "@" + "w".repeat(128) + "~12";
        assertEquals(Optional.empty(), Limits.referenceProblem(allocationId));
        assertEquals(Optional.of("must be at most 128 characters, was 160"), Limits.idProblem(allocationId));
        assertEquals(Optional.of("must not contain control character U+0000 (at 3)"), Limits.referenceProblem("SKU\u0000o-1"));
        assertEquals(Optional.of("must not start or end with whitespace"), Limits.referenceProblem("al-1 "));
    }

    @Test
    void aTextIsAtMost2048Characters() {
        assertEquals(Optional.empty(), Limits.textProblem(null));
        assertEquals(Optional.empty(), Limits.textProblem("line one\nline two"));
        assertEquals(Optional.empty(), Limits.textProblem("x".repeat(2_048)));
        assertEquals(Optional.of("must be at most 2048 characters, was 2049"), Limits.textProblem("x".repeat(2_049)));
    }

    @Test
    void aQuantityIsAtMostOneBillionEitherWay() {
        assertEquals(Optional.empty(), Limits.quantityProblem(1_000_000_000));
        assertEquals(Optional.empty(), Limits.quantityProblem(-1_000_000_000));
        assertEquals(Optional.of("must be at most 1000000000, was 1073741824"), Limits.quantityProblem(1L << 30));
        assertEquals(Optional.of("must be at least -1000000000, was -1000000001"), Limits.quantityProblem(-1_000_000_001));
    }

    @Test
    void theLinesPerOrderAreASettingOfAtLeastOne() {
        assertEquals(Optional.empty(), Limits.DEFAULTS.linesProblem(500));
        assertEquals(Optional.of("at most 500 lines per order, was 501"), Limits.DEFAULTS.linesProblem(501));
        assertEquals(Optional.of("at most 3 lines per order, was 4"), new Limits(3).linesProblem(4));
        assertThrows(IllegalArgumentException.class, () -> new Limits(0));
    }

    @Test
    void anAmountOfMoneyIsADecimalKeptAsTextNeverAnInfinityNorNegative() {
        assertEquals(Optional.empty(), Limits.decimalProblem(null));
        assertEquals(Optional.empty(), Limits.decimalProblem("12.50"));
        assertEquals(Optional.empty(), Limits.decimalProblem("0"));
        assertEquals(Optional.empty(), Limits.decimalProblem("1E+400"), "past a double's range, yet exact");
        assertEquals(Optional.of("must be a decimal number, was Infinity"), Limits.decimalProblem("Infinity"));
        assertEquals(Optional.of("must be a decimal number, was 12,50"), Limits.decimalProblem("12,50"));
        assertEquals(Optional.of("must be a decimal number, was  12.5"), Limits.decimalProblem(" 12.5"));
        assertEquals(Optional.of("must not be negative, was -0.01"), Limits.decimalProblem("-0.01"));
        assertEquals(Optional.empty(), Limits.decimalProblem("1." + "0".repeat(62)));
        assertEquals(Optional.of("must be at most 64 characters, was 65"), Limits.decimalProblem("1." + "0".repeat(63)));
    }
}
