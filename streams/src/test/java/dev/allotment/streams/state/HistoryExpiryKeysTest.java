package dev.allotment.streams.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link HistoryExpiryKeys}: due keys sort by the time an order's history is forgotten, so what is due by a moment is
 * one range from the start of the store, and the order keys beside them never fall in that range. Compared as the store
 * compares them: the UTF-8 bytes, unsigned.
 */
class HistoryExpiryKeysTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    /** Order ids that start with digits, the lowest and highest characters an id may hold. */
    private static final List<String> IDS = List.of("o-1", "0", "99999999999999999999", " x", "~", "\u00ff", "\uD83D\uDE00");

    private static int compare(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean dueBy(String key, Instant now) {
        return compare(key, HistoryExpiryKeys.dueBy(now)) < 0;
    }

    @Test
    void dueKeysSortByTimeWhateverTheOrderId() {
        for (String a : IDS) {
            for (String b : IDS) {
                assertTrue(compare(HistoryExpiryKeys.due(T0, a), HistoryExpiryKeys.due(T0.plusMillis(1), b)) < 0, a + ", " + b);
                assertTrue(compare(HistoryExpiryKeys.due(T0.plusSeconds(59), a), HistoryExpiryKeys.due(T0.plus(Duration.ofDays(400)), b))
                    < 0, a + ", " + b);
            }
        }
    }

    @Test
    void anEntryIsDueFromItsTimeOnAndNotBefore() {
        for (String id : IDS) {
            String key = HistoryExpiryKeys.due(T0, id);
            assertTrue(dueBy(key, T0), id);
            assertTrue(dueBy(key, T0.plusMillis(1)), id);
            assertFalse(dueBy(key, T0.minusMillis(1)), id);
        }
    }

    @Test
    void noOrderKeyIsEverDue() {
        for (String id : IDS) {
            assertFalse(dueBy(HistoryExpiryKeys.order(id), Instant.ofEpochMilli(Long.MAX_VALUE)), id);
            assertTrue(compare(HistoryExpiryKeys.due(Instant.ofEpochMilli(Long.MAX_VALUE), id), HistoryExpiryKeys.order(id)) < 0, id);
        }
    }

    @Test
    void theTimeIsWhenTheOrderBecameFinalPlusTheRetentionAndSaturates() {
        assertEquals(T0.plus(Duration.ofDays(30)), HistoryExpiryKeys.forgetAt(T0, Duration.ofDays(30)));
        assertEquals(Instant.ofEpochMilli(Long.MAX_VALUE), HistoryExpiryKeys.forgetAt(T0, Duration.ofSeconds(Long.MAX_VALUE)));
        assertEquals(Instant.ofEpochMilli(Long.MAX_VALUE), HistoryExpiryKeys.forgetAt(T0, Duration.ofMillis(Long.MAX_VALUE)));
    }

    @Test
    void timesBeforeTheEpochCountAsTheEpoch() {
        assertEquals(HistoryExpiryKeys.due(Instant.EPOCH, "o-1"), HistoryExpiryKeys.due(Instant.EPOCH.minusSeconds(5), "o-1"));
        assertEquals(HistoryExpiryKeys.due(Instant.EPOCH, "o-1"), HistoryExpiryKeys.due(Instant.MIN, "o-1"));
        assertEquals(HistoryExpiryKeys.dueBy(Instant.ofEpochMilli(Long.MAX_VALUE)), HistoryExpiryKeys.dueBy(Instant.MAX));
    }
}
