package dev.allotment.bench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QueriesScenarioTest {
    private static dev.allotment.bench.core.RunResult read(String query, double offered, double achieved, double p99) {
        return new dev.allotment.bench.core.RunResult(query + " " + offered, java.util.Map.of("query", query), offered, achieved,
            1000, 1, new dev.allotment.bench.core.Latency(1000, 1, 1, 2.0, p99, p99, p99), List.of(), java.util.Map.of());
    }

    @Test
    void theTargetJudgesEverySingleKeyReadAtItsRate() {
        String note = QueriesScenario.targetNote(List.of(read("order", 2500, 2500, 1.1), read("order", 5000, 4998, 4.12),
            read("stock", 5000, 4999, 6.44), read("reservations", 5000, 5000, 1.0))).orElseThrow();
        assertEquals("Target: single-key query p99 ≤ 5 ms at 5,000 requests/s. Here: `GET /orders/{id}` p99 4.12 ms at "
            + "4,998 requests/s achieved (met); `GET /stock/{sku}` p99 6.44 ms at 4,999 requests/s achieved (not met).", note);
        assertTrue(QueriesScenario.targetNote(List.of(read("stock", 5000, 4200, 3.0))).orElseThrow().contains("(not met)"),
            "a read that did not carry the rate does not meet it, however fast");
        assertTrue(QueriesScenario.targetNote(List.of(read("order", 2500, 2500, 1.0))).isEmpty(), "nothing judged below the rate");
    }

    @Test
    void theCursorIsTheEnginesForwardCursor() {
        // services' PageCursor: "a:" + key, base64url without padding
        assertEquals("YTpvLTAwMDAwMDAwNw", QueriesScenario.cursor("o-000000007"));
        assertEquals("a:SKU-00001", new String(Base64.getUrlDecoder().decode(QueriesScenario.cursor("SKU-00001")), StandardCharsets.UTF_8));
    }

    @Test
    void everyKindDrawsLoadedIdsAndSkusOnly() {
        SplittableRandom random = new SplittableRandom(3);
        for (QueriesScenario.Kind kind : QueriesScenario.kinds(50, 20)) {
            for (int i = 0; i < 200; i++) {
                String path = kind.paths().path(random);
                assertTrue(path.startsWith("/"), path);
                if (kind.name().equals("order") || kind.name().equals("events")) {
                    long index = OrderMix.indexOf(path.substring("/orders/".length()).replace("/events", ""));
                    assertTrue(index >= 0 && index < 50, path);
                }
                if (kind.name().equals("stock")) {
                    assertTrue(path.compareTo("/stock/" + Platform.sku(19)) <= 0, path);
                }
            }
        }
    }

    @Test
    void scanningKindsAreTheOnesWhoseCostGrowsWithTheData() {
        List<QueriesScenario.Kind> kinds = QueriesScenario.kinds(10, 10);
        assertEquals(List.of("stock-location", "allocations-order"), kinds.stream()
            .filter(k -> k.shape() == QueriesScenario.Shape.SCAN).map(QueriesScenario.Kind::name).toList());
        assertEquals(List.of("order", "stock"), kinds.stream()
            .filter(k -> k.shape() == QueriesScenario.Shape.KEY).map(QueriesScenario.Kind::name).toList());
    }

    @Test
    void kindsAreChosenByNameInTheOrderGiven() {
        assertEquals(List.of("stock", "order"), QueriesScenario.selected(List.of("stock", "order"), 10, 10).stream()
            .map(QueriesScenario.Kind::name).toList());
        assertEquals(7, QueriesScenario.selected(null, 10, 10).size());
        assertThrows(IllegalArgumentException.class, () -> QueriesScenario.selected(List.of("everything"), 10, 10));
    }

    @Test
    void cpuPerQueryIsNetOfWhatTheEngineSpendsIdle() {
        // 2 s of CPU over 10 s at 0.1 cores idle: 1 s for 10,000 answers = 100 µs each
        assertEquals(100, QueriesScenario.cpuPerQueryMicros(2_000_000_000L, 10_000_000_000L, 0.1, 10_000));
        assertEquals(0, QueriesScenario.cpuPerQueryMicros(500_000_000L, 10_000_000_000L, 0.1, 10_000), "never below 0");
    }
}
