package dev.allotment.services.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.LineReservation;
import dev.allotment.streams.state.EngineState;
import dev.allotment.streams.state.StoreChanges;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The wait for an order's lines to reach their SKUs answers the lines it read last, by SKU, so that a supplier's answer
 * decides which SKUs hold its request from that one read instead of reading every SKU's lines again before its command.
 */
class WaitsLinesTest {
    private static final Instant T0 = Instant.parse("2026-12-06T00:00:00Z");
    private final Map<String, Integer> reads = new HashMap<>();
    private final StoreChanges changes = new StoreChanges();
    private final ExecutorService looks = Executors.newSingleThreadExecutor();
    private final LaterWaits later = new LaterWaits(looks);

    @AfterEach
    void close() {
        later.close();
        looks.shutdownNow();
    }

    @Test
    void answersTheLinesItReadOnceEachSkuHoldsThem() throws Exception {
        List<LineReservation> s1 = List.of(line("l-1", "S1"));
        List<LineReservation> s2 = List.of(line("l-2", "S2"));
        // S1 holds the order's lines at once; S2 from its third read on (its line one hop behind)
        EngineState state = lines((sku, read) -> sku.equals("S1") ? s1 : read < 3 ? List.of() : s2);
        Waits waits = new Waits(state, null, settings(Duration.ofSeconds(10)), null, later);
        changes.wakeAtCommits(thread -> 0);   // no signal comes: the reads are the wait's own, 20 and 40 ms apart

        Map<String, List<LineReservation>> read = waits.lines("o-1", List.of("S1", "S2")).get(30, TimeUnit.SECONDS);

        assertEquals(List.of("S1", "S2"), List.copyOf(read.keySet()), "by SKU, in the order given");
        assertSame(s1, read.get("S1"));
        assertSame(s2, read.get("S2"), "the read that found them");
        assertEquals(Map.of("S1", 1, "S2", 3), reads, "each SKU read until it held the lines, not again");
    }

    @Test
    void aSkuThatNeverHoldsTheLinesIsAnsweredEmptyAtTheTimeout() throws Exception {
        EngineState state = lines((sku, read) -> List.of());
        Waits waits = new Waits(state, null, settings(Duration.ofMillis(200)), null, later);
        long started = System.nanoTime();

        Map<String, List<LineReservation>> read = waits.lines("o-1", List.of("S9")).get(30, TimeUnit.SECONDS);

        assertEquals(Map.of("S9", List.of()), read);
        assertTrue(System.nanoTime() - started >= Duration.ofMillis(200).toNanos(), "waited its timeout");
    }

    private static EngineSettings settings(Duration timeout) {
        EngineSettings settings = new EngineSettings();
        settings.getHttp().setCommandTimeout(timeout);
        return settings;
    }

    /** A SKU's lines of the order on its n-th read (from 1). */
    @FunctionalInterface
    private interface Lines {
        List<LineReservation> on(String sku, int read);
    }

    /** The engine's stores as the wait reads them: the lines, counting each read; any other read fails the test. */
    private EngineState lines(Lines answers) {
        return (EngineState) Proxy.newProxyInstance(EngineState.class.getClassLoader(), new Class<?>[] {EngineState.class},
            (proxy, method, args) -> switch (method.getName()) {
                case "lines" -> answers.on((String) args[0], reads.merge((String) args[0], 1, Integer::sum));
                case "changes" -> changes;
                case "changedHere" -> true;
                default -> throw new AssertionError("the wait read " + method.getName());
            });
    }

    private static LineReservation line(String lineId, String sku) {
        return LineReservation.newBuilder().setOrderId("o-1").setLineId(lineId).setSku(sku).setQuantity(1)
            .setAllocatedQuantity(0).setChannel("manual").setPlacedAt(T0).setAllocations(List.of()).build();
    }
}
