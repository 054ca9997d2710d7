package dev.allotment.streams.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SortableDigitsTest {

    /** Keys already written to stores and changelogs were made with String.format: the bytes must not change. */
    @Test
    void givesTheSameDigitsAsStringFormat() {
        long[] edges = {0, 1, 9, 10, 99_999_999_999L, 100_000_000_000L, Integer.MAX_VALUE, Long.MAX_VALUE, -1, -42,
            Long.MIN_VALUE};
        for (int width : new int[] {1, 11, 15, 19, 25}) {
            for (long v : edges) {
                assertEquals(String.format("%0" + width + "d", v), SortableDigits.padded(v, width), v + " in " + width);
            }
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            long v = random.nextLong() >>> random.nextInt(64);
            int width = 1 + random.nextInt(22);
            assertEquals(String.format("%0" + width + "d", v), SortableDigits.padded(v, width), v + " in " + width);
        }
    }
}
