package dev.allotment.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocationProjection;
import dev.allotment.events.Command;
import dev.allotment.events.CommandOutcome;
import dev.allotment.events.ConfirmAllocationRequest;
import dev.allotment.events.ConfirmMode;
import dev.allotment.events.LineAnswer;
import dev.allotment.events.LocationEvent;
import dev.allotment.events.LocationKind;
import dev.allotment.events.LocationUpserted;
import dev.allotment.events.MarkRequestSendFailed;
import dev.allotment.events.MarkRequestSent;
import dev.allotment.events.OrderEvent;
import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderPlaced;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.OrderStatus;
import dev.allotment.events.ProjectedAllocationLine;
import dev.allotment.events.RejectAllocationRequest;
import dev.allotment.events.RoutingSet;
import dev.allotment.events.StockEvent;
import dev.allotment.events.StockSet;
import dev.allotment.events.SupplierAnswer;
import dev.allotment.schemas.InMemoryAvroSerdes;
import dev.allotment.schemas.Topics;
import dev.allotment.streams.state.StoreNames;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Direct, then confirm (DESIGN §3) through the real topology: every transition of an allocation request
 * (allocated, sent, failed, confirmed, rejected, timed-out, outdated, and a supplier's backorder), with
 * the wall clock and stream time advanced past expiries.
 */
class ConfirmFlowTopologyTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final String SKU = "SKU-1";
    private final Topics topics = Topics.defaults();
    private final InMemoryAvroSerdes serdes = new InMemoryAvroSerdes();
    private TopologyTestDriver driver;
    private TestInputTopic<String, OrderEvent> orders;
    private TestInputTopic<String, Command> commands;
    private TestInputTopic<String, StockEvent> stock;
    private int sequence;

    void start(String guarantee) throws Exception {
        Properties props = EngineStreamsConfig.defaults("confirm-test", "unused:9092", Files.createTempDirectory("cf").toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        driver = new TopologyTestDriver(AllotmentTopology.build(topics, serdes), props, T0);
        orders = driver.createInputTopic(topics.orderEvents(), Serdes.String().serializer(), serdes.value(OrderEvent.class).serializer());
        commands = driver.createInputTopic(topics.commands(), Serdes.String().serializer(), serdes.value(Command.class).serializer());
        stock = driver.createInputTopic(topics.stockEvents(), Serdes.String().serializer(), serdes.value(StockEvent.class).serializer());
        TestInputTopic<String, LocationEvent> locations = driver.createInputTopic(topics.locationEvents(),
            Serdes.String().serializer(), serdes.value(LocationEvent.class).serializer());
        locations.pipeInput("wh-a", new LocationEvent("l1", T0, null, new LocationUpserted("wh-a", "Warehouse A",
            LocationKind.WAREHOUSE, ConfirmMode.DIRECT, null, true, null)), T0);
        for (String sup : List.of("sup-1", "sup-2")) {
            locations.pipeInput(sup, new LocationEvent("l-" + sup, T0, null, new LocationUpserted(sup, sup, LocationKind.SUPPLIER,
                ConfirmMode.CONFIRM, 60, false, null)), T0);
        }
        locations.pipeInput("web", new LocationEvent("r", T0, null, new RoutingSet("web", List.of("wh-a", "sup-1", "sup-2"))), T0);
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private void place(String orderId, int quantity) {
        orders.pipeInput(orderId, new OrderEvent("placed-" + orderId, T0, null, OrderPlaced.newBuilder().setOrderId(orderId)
            .setChannel("web").setPlacedAt(T0).setLines(List.of(new OrderLine("l-1", SKU, quantity))).build()), T0);
    }

    private String send(String orderId, Object payload) {
        String id = "cmd-" + (++sequence);
        commands.pipeInput(SKU, new Command(id, T0.plusSeconds(sequence), "test", orderId, payload), T0.plusSeconds(sequence));
        return id;
    }

    private CommandOutcome outcome(String commandId) {
        KeyValueStore<String, CommandOutcome> store = driver.getKeyValueStore(StoreNames.COMMAND_OUTCOMES);
        return store.get(commandId);
    }

    private OrderProjection order(String orderId) {
        KeyValueStore<String, OrderProjection> store = driver.getKeyValueStore(StoreNames.ORDERS);
        return store.get(orderId);
    }

    private AllocationProjection request(String orderId, String location) {
        return order(orderId).getAllocations().stream().filter(a -> a.getLocationId().equals(location)).reduce((a, b) -> b)
            .orElseThrow(() -> new AssertionError("no request at " + location + " in " + order(orderId)));
    }

    private ProjectedAllocationLine line(AllocationProjection request) {
        return request.getLines().get(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void aDeliveredRequestIsConfirmed(String guarantee) throws Exception {
        start(guarantee);
        place("o-1", 3);
        AllocationProjection r = request("o-1", "sup-1");
        assertTrue(r.getRequest());
        assertEquals("allocated", r.getStatus());
        assertEquals(T0.plusSeconds(60), r.getExpiresAt(), "expiry from the location's confirm timeout");
        send("o-1", new MarkRequestSent(r.getAllocationId(), 2));
        assertEquals("sent", request("o-1", "sup-1").getStatus());
        assertEquals(2, request("o-1", "sup-1").getSendAttempts());
        assertTrue(outcome(send("o-1", new ConfirmAllocationRequest(r.getAllocationId()))).getAccepted());
        assertEquals("confirmed", request("o-1", "sup-1").getStatus());
        assertEquals(OrderStatus.ALLOCATED, order("o-1").getStatus());
        driver.advanceWallClockTime(Duration.ofSeconds(120));
        assertEquals("confirmed", request("o-1", "sup-1").getStatus(), "a confirmed request does not time out");
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void anUndeliverableRequestIsFailedYetConfirmable(String guarantee) throws Exception {
        start(guarantee);
        place("o-1", 2);
        String id = request("o-1", "sup-1").getAllocationId();
        send("o-1", new MarkRequestSendFailed(id, 6, "connection refused"));
        assertEquals("failed", request("o-1", "sup-1").getStatus());
        assertTrue(outcome(send("o-1", new ConfirmAllocationRequest(id))).getAccepted());
        assertEquals("confirmed", request("o-1", "sup-1").getStatus());
        assertEquals(2, order("o-1").getLines().get(0).getAllocatedQuantity());
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void aRejectionReroutesToTheNextLocationThenWaits(String guarantee) throws Exception {
        start(guarantee);
        place("o-1", 4);
        String first = request("o-1", "sup-1").getAllocationId();
        assertTrue(outcome(send("o-1", new RejectAllocationRequest(first, "out of stock"))).getAccepted());
        assertEquals("rejected", request("o-1", "sup-1").getStatus());
        assertEquals("rejected: out of stock", request("o-1", "sup-1").getReason());
        AllocationProjection next = request("o-1", "sup-2");
        assertEquals("allocated", next.getStatus());
        assertEquals(4, line(next).getQuantity());
        assertEquals(4, order("o-1").getLines().get(0).getAllocatedQuantity());
        CommandOutcome again = outcome(send("o-1", new ConfirmAllocationRequest(first)));
        assertFalse(again.getAccepted());
        assertEquals("request_rejected", again.getCode());

        send("o-1", new RejectAllocationRequest(next.getAllocationId(), null));
        assertEquals("rejected", request("o-1", "sup-2").getStatus());
        assertEquals(0, order("o-1").getLines().get(0).getAllocatedQuantity());
        assertEquals(4, order("o-1").getLines().get(0).getBackorderedQuantity(), "no location left: the line waits");
        assertEquals(OrderStatus.RESERVED, order("o-1").getStatus());
        // stock arriving at the direct warehouse serves the waiting line
        stock.pipeInput(SKU, new StockEvent("s1", T0.plusSeconds(30), null, new StockSet(SKU, "wh-a", 10, null)), T0.plusSeconds(30));
        assertEquals(4, order("o-1").getLines().get(0).getAllocatedQuantity());
        assertEquals(OrderStatus.ALLOCATED, order("o-1").getStatus());
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void aLateConfirmationOfATimedOutRequestWinsAndOutdatesTheLaterOne(String guarantee) throws Exception {
        start(guarantee);
        place("o-1", 3);
        String first = request("o-1", "sup-1").getAllocationId();
        driver.advanceWallClockTime(Duration.ofSeconds(61));
        assertEquals("timed-out", request("o-1", "sup-1").getStatus());
        AllocationProjection rerouted = request("o-1", "sup-2");
        assertEquals("allocated", rerouted.getStatus());
        assertEquals(3, order("o-1").getLines().get(0).getAllocatedQuantity(), "the timed-out request holds nothing");

        assertTrue(outcome(send("o-1", new ConfirmAllocationRequest(first))).getAccepted(), "still confirmable");
        assertEquals("confirmed", request("o-1", "sup-1").getStatus());
        assertEquals("outdated", request("o-1", "sup-2").getStatus());
        assertEquals(3, order("o-1").getLines().get(0).getAllocatedQuantity());
        CommandOutcome late = outcome(send("o-1", new ConfirmAllocationRequest(rerouted.getAllocationId())));
        assertFalse(late.getAccepted());
        assertEquals("request_outdated", late.getCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void confirmingTheReroutedRequestEndsTheFlowAndOutdatesTheTimedOutOne(String guarantee) throws Exception {
        start(guarantee);
        place("o-1", 3);
        String first = request("o-1", "sup-1").getAllocationId();
        // stream time alone passes the expiry: a record 2 minutes later on the SKU's partition
        stock.pipeInput("OTHER", new StockEvent("s1", T0.plusSeconds(120), null, new StockSet("OTHER", "wh-a", 1, null)),
            T0.plusSeconds(120));
        assertEquals("timed-out", request("o-1", "sup-1").getStatus());
        String second = request("o-1", "sup-2").getAllocationId();
        assertTrue(outcome(send("o-1", new ConfirmAllocationRequest(second))).getAccepted());
        assertEquals("confirmed", request("o-1", "sup-2").getStatus());
        assertEquals("outdated", request("o-1", "sup-1").getStatus());
        assertEquals("request_outdated", outcome(send("o-1", new ConfirmAllocationRequest(first))).getCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void aSupplierAnswerConfirmsBackordersAndReroutes(String guarantee) throws Exception {
        start(guarantee);
        place("o-1", 6);
        String id = request("o-1", "sup-1").getAllocationId();
        String mismatch = send("o-1", new SupplierAnswer("sup-1", List.of(new LineAnswer("l-1", 3, 1, 1, null)), null, null, null));
        assertEquals("quantity_mismatch", outcome(mismatch).getCode());
        assertTrue(outcome(send("o-1", new SupplierAnswer("sup-1", List.of(new LineAnswer("l-1", 3, 1, 2, "2026-12-24")),
            "PO-1", "INV-1", null))).getAccepted());
        ProjectedAllocationLine held = line(request("o-1", "sup-1"));
        assertEquals("backordered", held.getStatus());
        assertEquals(5, held.getQuantity());
        assertEquals(2, held.getBackorderedQuantity());
        assertEquals("2026-12-24", held.getBackorderDate());
        assertEquals(1, held.getRejectedQuantity());
        assertEquals(1, line(request("o-1", "sup-2")).getQuantity(), "the rejected unit goes to the next location");
        assertEquals(6, order("o-1").getLines().get(0).getAllocatedQuantity());
        driver.advanceWallClockTime(Duration.ofSeconds(61));
        assertEquals("backordered", request("o-1", "sup-1").getStatus(), "an answered request does not time out");
        // later the supplier ships the backorder
        assertTrue(outcome(send("o-1", new SupplierAnswer("sup-1", List.of(new LineAnswer("l-1", 2, 0, 0, null)), null, null, id)))
            .getAccepted());
        assertEquals("confirmed", line(request("o-1", "sup-1")).getStatus());
        assertEquals(5, line(request("o-1", "sup-1")).getQuantity());
    }
}
