package dev.allotment.streams.topology;

import static dev.allotment.streams.topology.TopologyFixture.warehouse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.allotment.events.ConfirmMode;
import dev.allotment.events.LineReservation;
import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.SkuStock;
import dev.allotment.streams.allocation.BookKeys;
import dev.allotment.streams.state.StoreNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine's running tasks hold the stores the edge reads ({@link dev.allotment.streams.state.StoreHandles}), from
 * their processors' start until their close: what a held store answers is what the task wrote and committed, and
 * once the tasks close nothing is held and a store kept from before refuses to read.
 */
class StoreHandlesTopologyTest {
    /** The stores the edge reads by key or by partition (the global locations store is read through Kafka Streams). */
    static final Set<String> READ_BY_THE_EDGE = Set.of(StoreNames.ORDERS, StoreNames.ORDER_HISTORY,
        StoreNames.ALLOCATION_REQUESTS, StoreNames.ORDER_INDEX, StoreNames.SKU_STOCK, StoreNames.STOCK_INDEX,
        StoreNames.LINE_RESERVATIONS, StoreNames.WAITING, StoreNames.COMMAND_OUTCOMES);

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void theRunningTasksHoldTheStoresTheEdgeReadsUntilTheyClose(String guarantee) throws Exception {
        TopologyFixture fixture = TopologyFixture.start("handles-test", guarantee);
        ReadOnlyKeyValueStore<String, SkuStock> stock;
        try {
            fixture.location(warehouse("wh-a", ConfirmMode.DIRECT));
            fixture.routing("web", List.of("wh-a"));
            fixture.stockSet("wh-a", "S1", 10);
            fixture.place("o-1", "web", new OrderLine("l-1", "S1", 3));

            for (String store : READ_BY_THE_EDGE) {
                assertNotNull(fixture.handles.held(store, 0), store + " is held for partition 0");
            }
            assertEquals(READ_BY_THE_EDGE.size(), fixture.handles.size(), "nothing else is held");
            assertNull(fixture.handles.held(StoreNames.SKU_STOCK, 1), "no task of partition 1 runs here");

            stock = fixture.handles.held(StoreNames.SKU_STOCK, 0);
            assertEquals(fixture.skuStock("S1"), stock.get("S1"), "the held store reads what the task wrote");
            assertEquals(3, stock.get("S1").getLocations().get("wh-a").getAllocated(), "the order's allocation");
            ReadOnlyKeyValueStore<String, OrderProjection> orders = fixture.handles.held(StoreNames.ORDERS, 0);
            assertEquals(fixture.order("o-1"), orders.get("o-1"));
            ReadOnlyKeyValueStore<String, LineReservation> lines = fixture.handles.held(StoreNames.LINE_RESERVATIONS, 0);
            List<LineReservation> found = new ArrayList<>();
            try (KeyValueIterator<String, LineReservation> it = lines.prefixScan(BookKeys.orderPrefix("S1", "o-1"),
                new StringSerializer())) {
                it.forEachRemaining(kv -> found.add(kv.value));
            }
            assertEquals(1, found.size(), "the order's line, by a scan of the held store");
            assertEquals(3, found.get(0).getQuantity());
        } finally {
            fixture.close();
        }
        assertEquals(0, fixture.handles.size(), "the tasks closed: nothing is held");
        ReadOnlyKeyValueStore<String, SkuStock> kept = stock;
        assertThrows(InvalidStateStoreException.class, () -> kept.get("S1"), "a store kept past its close refuses");
    }
}
