package dev.allotment.services.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The ids are version 4 UUIDs, as {@code UUID.randomUUID} makes them, and no two threads' ids meet. */
class RandomIdsTest {
    @Test
    void anIdIsARandomVersionFourUuidInItsTextForm() {
        String id = RandomIds.next();
        UUID parsed = UUID.fromString(id);
        assertEquals(id, parsed.toString());
        assertEquals(4, parsed.version());
        assertEquals(2, parsed.variant());
    }

    @Test
    void theVersionAndVariantBitsAreSetWhateverTheGeneratorDraws() {
        UUID ones = RandomIds.uuid(fixed((byte) 0xff));
        UUID zeros = RandomIds.uuid(fixed((byte) 0));
        assertEquals("ffffffff-ffff-4fff-bfff-ffffffffffff", ones.toString());
        assertEquals("00000000-0000-4000-8000-000000000000", zeros.toString());
    }

    @Test
    void manyThreadsDrawingAtOnceNeverRepeatAnId() throws Exception {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> drawn = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                drawn.add(pool.submit(() -> {
                    int repeats = 0;
                    for (int i = 0; i < 20_000; i++) {
                        repeats += seen.add(RandomIds.next()) ? 0 : 1;
                    }
                    return repeats;
                }));
            }
            for (Future<Integer> f : drawn) {
                assertEquals(0, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(160_000, seen.size());
    }

    /** A generator that draws {@code value} for every byte. */
    private static SecureRandom fixed(byte value) {
        return new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                Arrays.fill(bytes, value);
            }
        };
    }
}
