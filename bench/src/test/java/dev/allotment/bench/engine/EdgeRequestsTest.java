package dev.allotment.bench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.allotment.bench.core.Load;
import dev.allotment.bench.engine.EdgeRequests.Placed;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EdgeRequestsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void bodiesHaveTheSeedsShapes() throws Exception {
        JsonNode veeqo = JSON.readTree(EdgeRequests.veeqoAllocation("L1", "SKU-00003", 2));
        assertEquals("L1", veeqo.path("allocation").path("warehouse_id").asText());
        JsonNode item = veeqo.path("allocation").path("line_items_attributes").path(0);
        assertEquals("SKU-00003", item.path("sellable_id").asText());
        assertEquals(2, item.path("quantity").asInt());

        JsonNode crux = JSON.readTree(EdgeRequests.cruxAccept("l-1", 1));
        JsonNode line = crux.path("line_items").path(0);
        assertEquals("l-1", line.path("line_item_uuid").asText());
        assertEquals(1, line.path("allocation").path("quantity_accepted").asInt());
        assertEquals(0, line.path("allocation").path("quantity_rejected").asInt());
        assertEquals(0, line.path("allocation").path("quantity_backordered").asInt());

        assertEquals("a \"quoted\" reason", JSON.readTree(EdgeRequests.reject("a \"quoted\" reason")).path("reason").asText());

        JsonNode adjustment = JSON.readTree(EdgeRequests.adjustment("L1", "SKU-00004", 3)).path("adjustments");
        assertEquals(1, adjustment.size());
        assertEquals("L1", adjustment.path(0).path("location_id").asText());
        assertEquals("SKU-00004", adjustment.path(0).path("sku").asText());
        assertEquals(3, adjustment.path(0).path("delta").asInt());
    }

    @Test
    void answersAreRead() {
        assertEquals("al-abc", EdgeRequests.allocationIdOf(
            "{\"allocated_completely\":true,\"allocations\":[{\"id\":\"al-abc\",\"order_id\":\"o-1\",\"line_items\":[]}]}"));
        assertThrows(IllegalStateException.class, () -> EdgeRequests.allocationIdOf("{\"allocations\":[]}"));
        assertThrows(IllegalStateException.class, () -> EdgeRequests.allocationIdOf("not json"));

        String confirmed = "{\"status\":\"ok\",\"allocation_request\":{\"id\":\"al-1\",\"status\":\"confirmed\",\"lines\":[]}}";
        assertTrue(EdgeRequests.requestIs(confirmed, "confirmed"));
        assertFalse(EdgeRequests.requestIs(confirmed, "rejected"));
        assertFalse(EdgeRequests.requestIs("{\"status\":\"no\",\"allocation_request\":{\"status\":\"confirmed\"}}", "confirmed"));
        assertFalse(EdgeRequests.requestIs("", "confirmed"));

        assertTrue(EdgeRequests.cruxLineIs("[{\"l-1\":\"Allocated\"}]", "l-1", "Allocated"));
        assertFalse(EdgeRequests.cruxLineIs("[{\"l-1\":\"Rejected\"}]", "l-1", "Allocated"));
        assertFalse(EdgeRequests.cruxLineIs("[{\"l-2\":\"Allocated\"}]", "l-1", "Allocated"));
    }

    @Test
    void theStockAnswerGivesWhatIsAllocatedAtALocation() {
        String stock = "{\"sku\":\"SKU-00001\",\"locations\":[{\"location_id\":\"L1\",\"physical\":100,\"allocated\":7},"
            + "{\"location_id\":\"SUP-1\",\"physical\":100,\"allocated\":3}],\"totals\":{\"allocated\":10}}";
        assertEquals(7, EdgeRequests.allocatedAt(stock, "L1"));
        assertEquals(3, EdgeRequests.allocatedAt(stock, "SUP-1"));
        assertEquals(0, EdgeRequests.allocatedAt(stock, "L2"));
        assertEquals(100, EdgeRequests.physicalAt(stock, "L1"));
        assertEquals(0, EdgeRequests.physicalAt(stock, "L2"));
    }

    @Test
    void aWindowSchedulesRateTimesSecondsAndAMargin() {
        assertEquals(302, EdgeRequests.scheduled(100, Duration.ofSeconds(3)));
        assertEquals(2, EdgeRequests.scheduled(100, Duration.ZERO));
        assertEquals(5002, EdgeRequests.scheduled(1000, Duration.ofMillis(5000)));
        assertEquals(4, EdgeRequests.scheduled(250, Duration.ofMillis(5)));   // 1.25 rounds up
        assertThrows(IllegalArgumentException.class, () -> EdgeRequests.scheduled(0, Duration.ofSeconds(1)));
    }

    @Test
    void loadNeverAsksForMoreOperationsThanScheduled() throws Exception {
        double rate = 4000;
        Duration warmup = Duration.ofMillis(150);
        Duration duration = Duration.ofMillis(250);
        AtomicLong maxWarm = new AtomicLong(-1);
        AtomicLong maxMeasured = new AtomicLong(-1);
        Load.Outcome outcome = Load.run("t", 4, rate, warmup, duration, Long.MAX_VALUE, (client, warm, index) ->
            (warm ? maxWarm : maxMeasured).accumulateAndGet(index, Math::max));
        assertEquals(0, outcome.errors());
        assertTrue(maxWarm.get() >= 0 && maxMeasured.get() >= 0);
        assertTrue(maxWarm.get() < EdgeRequests.scheduled(rate, warmup), "warm-up asked for index " + maxWarm);
        assertTrue(maxMeasured.get() < EdgeRequests.scheduled(rate, duration), "measured asked for index " + maxMeasured);
    }

    @Test
    void theLatestOrderOfEachPartitionAndSkuProvesTheBatch() {
        List<Placed> placed = List.of(
            new Placed("a", "l-1", "S1", 0, 10), new Placed("b", "l-1", "S1", 0, 12), new Placed("c", "l-1", "S2", 0, 11),
            new Placed("d", "l-1", "S1", 1, 3), new Placed("e", "l-1", "S1", 1, 2));
        List<Placed> proofs = EdgeRequests.lastPerPartitionAndSku(placed);
        assertEquals(List.of("b", "c", "d"), proofs.stream().map(Placed::orderId).toList());
    }

    @Test
    void tallyCountsByName() {
        EdgeRequests.Tally tally = new EdgeRequests.Tally();
        tally.count("confirm 200");
        tally.count("reject 200");
        tally.count("confirm 200");
        assertEquals(Map.of("confirm 200", 2L, "reject 200", 1L), tally.snapshot());
    }
}
