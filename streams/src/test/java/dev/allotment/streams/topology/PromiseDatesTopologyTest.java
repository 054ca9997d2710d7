package dev.allotment.streams.topology;

import static dev.allotment.streams.topology.TopologyFixture.T0;
import static dev.allotment.streams.topology.TopologyFixture.warehouse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.ConfirmMode;
import dev.allotment.events.IncomingBatch;
import dev.allotment.events.IncomingSet;
import dev.allotment.events.LineBackordered;
import dev.allotment.events.LineProjection;
import dev.allotment.events.OrderLine;
import dev.allotment.events.StockBatch;
import dev.allotment.events.StockEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Promise dates through the real topology: batches dated, a waiting line promised their date, the date moving as they slip. */
class PromiseDatesTopologyTest {
    private static final Instant JAN_10 = Instant.parse("2030-01-10T00:00:00Z");
    private static final Instant FEB_01 = Instant.parse("2030-02-01T00:00:00Z");

    @AutoClose
    private TopologyFixture fixture;
    private final List<AllocationEvent> history = new ArrayList<>();

    void start(String guarantee) throws Exception {
        fixture = TopologyFixture.start("allotment-test", guarantee);
        fixture.location(warehouse("wh-a", ConfirmMode.DIRECT));
        fixture.routing("web", List.of("wh-a"));
        fixture.stockSet("wh-a", "S1", 1);
        fixture.place("o-1", "web", new OrderLine("l-1", "S1", 4));
        history.addAll(fixture.allocationEvents.readValuesToList());
    }

    private void incoming(Instant... dates) {
        List<IncomingBatch> batches = new ArrayList<>();
        for (Instant date : dates) {
            batches.add(new IncomingBatch(3, date));
        }
        fixture.stock.pipeInput("S1", new StockEvent(UUID.randomUUID().toString(), T0, null, null,
            new IncomingSet("S1", "wh-a", 3 * dates.length, batches)));
        history.addAll(fixture.allocationEvents.readValuesToList());
    }

    private LineProjection line() {
        return fixture.order("o-1").getLines().get(0);
    }

    /** The promise dates the order's history logged for l-1, in order. */
    private List<Instant> loggedDates() {
        return history.stream().filter(e -> e.getPayload() instanceof LineBackordered b && b.getLocationId() == null)
            .map(e -> ((LineBackordered) e.getPayload()).getExpectedAt()).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void aWaitingLineIsPromisedTheDateOfItsBatchWhichMovesAsTheBatchSlipsAndGoesWhenItArrives(String guarantee) throws Exception {
        start(guarantee);
        assertEquals(3, line().getBackorderedQuantity(), "1 of 4 allocated, 3 wait");
        assertNull(line().getExpectedAt(), "no batch yet");

        incoming(JAN_10);
        assertEquals(JAN_10, line().getExpectedAt());
        assertEquals(List.of(new StockBatch(3, JAN_10)), fixture.skuStock("S1").getLocations().get("wh-a").getIncomingBatches());
        assertEquals(3, fixture.skuStock("S1").getLocations().get("wh-a").getIncoming());

        incoming(FEB_01);   // the batch slips
        assertEquals(FEB_01, line().getExpectedAt());
        assertEquals(3, line().getBackorderedQuantity());

        incoming(FEB_01, JAN_10);   // unchanged: the January batch comes first again, and no new event when a date holds
        assertEquals(JAN_10, line().getExpectedAt());
        int logged = loggedDates().size();
        incoming(JAN_10, FEB_01);
        assertEquals(logged, loggedDates().size(), "the same date is not logged again");

        fixture.stockSet("wh-a", "S1", 4);   // the batch arrived: counted, then removed by the platform
        history.addAll(fixture.allocationEvents.readValuesToList());
        incoming(FEB_01);
        assertEquals(0, line().getBackorderedQuantity());
        assertEquals(4, line().getAllocatedQuantity());
        assertNull(line().getExpectedAt(), "no longer backordered: no promise date");
        assertEquals(java.util.Arrays.asList(null, JAN_10, FEB_01, JAN_10), loggedDates(), "the history shows every move");
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void batchesThatBreakTheRulesAreRefusedAndChangeNothing(String guarantee) throws Exception {
        start(guarantee);
        incoming(JAN_10);
        fixture.stock.pipeInput("S1", new StockEvent(UUID.randomUUID().toString(), T0, null, null,
            new IncomingSet("S1", "wh-a", 0, List.of(new IncomingBatch(0, FEB_01)))));
        fixture.stock.pipeInput("S1", new StockEvent(UUID.randomUUID().toString(), T0, null, null,
            new IncomingSet("S1", "wh-a", 9, List.of(new IncomingBatch(3, FEB_01)))));
        assertEquals(List.of(new StockBatch(3, JAN_10)), fixture.skuStock("S1").getLocations().get("wh-a").getIncomingBatches());
        assertEquals(JAN_10, line().getExpectedAt());
        incoming(FEB_01);   // and the engine goes on
        assertEquals(FEB_01, line().getExpectedAt());
    }
}
