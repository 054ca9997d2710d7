package dev.allotment.streams.topology;

import static dev.allotment.streams.topology.TopologyFixture.T0;
import static dev.allotment.streams.topology.TopologyFixture.placed;
import static dev.allotment.streams.topology.TopologyFixture.site;
import static dev.allotment.streams.topology.TopologyFixture.warehouse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocationConfirmed;
import dev.allotment.events.AllocationEvent;
import dev.allotment.events.AllocationProjection;
import dev.allotment.events.Command;
import dev.allotment.events.CommandOutcome;
import dev.allotment.events.ConfirmAllocationRequest;
import dev.allotment.events.ConfirmMode;
import dev.allotment.events.LineAnswer;
import dev.allotment.events.LineBackordered;
import dev.allotment.events.LocationKind;
import dev.allotment.events.MarkRequestSendFailed;
import dev.allotment.events.MarkRequestSent;
import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.OrderStatus;
import dev.allotment.events.ProjectedAllocationLine;
import dev.allotment.events.RejectAllocationRequest;
import dev.allotment.events.RequestLineState;
import dev.allotment.events.StockEvent;
import dev.allotment.events.StockSet;
import dev.allotment.events.SupplierAnswer;
import dev.allotment.events.UpdateAllocation;
import dev.allotment.schemas.DecisionHeaders;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Direct, then confirm (DESIGN §3) through the real topology: every transition of an allocation request
 * (allocated, sent, failed, confirmed, rejected, timed-out, outdated, and a supplier's backorder), with
 * the wall clock and stream time advanced past expiries.
 */
class ConfirmFlowTopologyTest {
    private static final String SKU = "SKU-1";
    @AutoClose
    private TopologyFixture fixture;
    private int sequence;

    /** The web channel ranks wh-a (direct, no stock yet) before sup-1 and sup-2, which must confirm within 60 s. */
    void start(String guarantee) throws Exception {
        fixture = TopologyFixture.start("confirm-test", guarantee, T0);
        fixture.location(warehouse("wh-a", ConfirmMode.DIRECT), T0);
        for (String sup : List.of("sup-1", "sup-2")) {
            fixture.location(site(sup, LocationKind.SUPPLIER, ConfirmMode.CONFIRM, 60, false), T0);
        }
        fixture.routing("web", List.of("wh-a", "sup-1", "sup-2"), T0);
    }

    private void place(String orderId, int quantity) {
        fixture.orders.pipeInput(orderId, placed("placed-" + orderId, orderId, "web", new OrderLine("l-1", SKU, quantity)), T0);
    }

    /**
     * Each command one second after the one before, in its issue time and its record's; the edge's answer, the projection
     * before the command with the SKU's lines laid over it, shows what the fold shows after it (issue 19).
     */
    private String send(String orderId, Object payload) {
        String id = "cmd-" + (++sequence);
        OrderProjection before = fixture.order(orderId);
        fixture.commands.pipeInput(SKU, new Command(id, T0.plusSeconds(sequence), "test", orderId, payload, null), T0.plusSeconds(sequence));
        if (before != null) {
            OverlayCheck.overlayIsTheFold(fixture, before, List.of(SKU), id, payload instanceof RejectAllocationRequest,
                payload instanceof RejectAllocationRequest r ? r.getReason() : null);
        }
        return id;
    }

    private AllocationProjection request(String orderId, String location) {
        return fixture.order(orderId).getAllocations().stream().filter(a -> a.getLocationId().equals(location)).reduce((a, b) -> b)
            .orElseThrow(() -> new AssertionError("no request at " + location + " in " + fixture.order(orderId)));
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
        assertTrue(fixture.outcome(send("o-1", new ConfirmAllocationRequest(r.getAllocationId()))).getAccepted());
        assertEquals("confirmed", request("o-1", "sup-1").getStatus());
        assertEquals(OrderStatus.ALLOCATED, fixture.order("o-1").getStatus());
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(120));
        assertEquals("confirmed", request("o-1", "sup-1").getStatus(), "a confirmed request does not time out");
    }

    /**
     * Envoy's PATCH moves a direct allocation to a supplier that confirms: the fold releases it at the warehouse and takes
     * it anew there, a request with the supplier's expiry, and the edge's answer (the overlay, checked in send) says so
     * too, not the direct allocation it was.
     */
    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void anAllocationMovedToAConfirmingSupplierIsARequestThere(String guarantee) throws Exception {
        start(guarantee);
        fixture.stock.pipeInput(SKU, new StockEvent("s-1", T0, null, null, new StockSet(SKU, "wh-a", 5, null)), T0);
        place("o-1", 2);
        AllocationProjection direct = request("o-1", "wh-a");
        assertFalse(direct.getRequest());
        String moved = send("o-1", new UpdateAllocation(direct.getAllocationId(), null, null, "sup-1"));
        assertTrue(fixture.outcome(moved).getAccepted());
        AllocationProjection there = request("o-1", "sup-1");
        assertEquals(direct.getAllocationId(), there.getAllocationId(), "a move keeps the allocation's id");
        assertTrue(there.getRequest(), "held at a supplier that confirms: a request");
        assertEquals("allocated", there.getStatus());
        assertEquals(T0.plusSeconds(sequence + 60), there.getExpiresAt(), "the supplier's confirm timeout from the move");
        assertEquals(1, fixture.order("o-1").getAllocations().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void anUndeliverableRequestIsFailedYetConfirmable(String guarantee) throws Exception {
        start(guarantee);
        place("o-1", 2);
        String id = request("o-1", "sup-1").getAllocationId();
        send("o-1", new MarkRequestSendFailed(id, 6, "connection refused"));
        assertEquals("failed", request("o-1", "sup-1").getStatus());
        assertTrue(fixture.outcome(send("o-1", new ConfirmAllocationRequest(id))).getAccepted());
        assertEquals("confirmed", request("o-1", "sup-1").getStatus());
        assertEquals(2, fixture.order("o-1").getLines().get(0).getAllocatedQuantity());
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void aRejectionReroutesToTheNextLocationThenWaits(String guarantee) throws Exception {
        start(guarantee);
        place("o-1", 4);
        String first = request("o-1", "sup-1").getAllocationId();
        assertTrue(fixture.outcome(send("o-1", new RejectAllocationRequest(first, "out of stock"))).getAccepted());
        assertEquals("rejected", request("o-1", "sup-1").getStatus());
        assertEquals("rejected: out of stock", request("o-1", "sup-1").getReason());
        AllocationProjection next = request("o-1", "sup-2");
        assertEquals("allocated", next.getStatus());
        assertEquals(4, line(next).getQuantity());
        assertEquals(4, fixture.order("o-1").getLines().get(0).getAllocatedQuantity());
        CommandOutcome again = fixture.outcome(send("o-1", new ConfirmAllocationRequest(first)));
        assertFalse(again.getAccepted());
        assertEquals("request_rejected", again.getCode());

        send("o-1", new RejectAllocationRequest(next.getAllocationId(), null));
        assertEquals("rejected", request("o-1", "sup-2").getStatus());
        assertEquals(0, fixture.order("o-1").getLines().get(0).getAllocatedQuantity());
        assertEquals(4, fixture.order("o-1").getLines().get(0).getBackorderedQuantity(), "no location left: the line waits");
        assertEquals(OrderStatus.RESERVED, fixture.order("o-1").getStatus());
        // stock arriving at the direct warehouse serves the waiting line
        fixture.stock.pipeInput(SKU, new StockEvent("s1", T0.plusSeconds(30), null, null, new StockSet(SKU, "wh-a", 10, null)),
            T0.plusSeconds(30));
        assertEquals(4, fixture.order("o-1").getLines().get(0).getAllocatedQuantity());
        assertEquals(OrderStatus.ALLOCATED, fixture.order("o-1").getStatus());
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void aLateConfirmationOfATimedOutRequestWinsAndOutdatesTheLaterOne(String guarantee) throws Exception {
        start(guarantee);
        place("o-1", 3);
        String first = request("o-1", "sup-1").getAllocationId();
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(61));
        assertEquals("timed-out", request("o-1", "sup-1").getStatus());
        AllocationProjection rerouted = request("o-1", "sup-2");
        assertEquals("allocated", rerouted.getStatus());
        assertEquals(3, fixture.order("o-1").getLines().get(0).getAllocatedQuantity(), "the timed-out request holds nothing");

        assertTrue(fixture.outcome(send("o-1", new ConfirmAllocationRequest(first))).getAccepted(), "still confirmable");
        assertEquals("confirmed", request("o-1", "sup-1").getStatus());
        assertEquals("outdated", request("o-1", "sup-2").getStatus());
        assertEquals(3, fixture.order("o-1").getLines().get(0).getAllocatedQuantity());
        CommandOutcome late = fixture.outcome(send("o-1", new ConfirmAllocationRequest(rerouted.getAllocationId())));
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
        fixture.stock.pipeInput("OTHER", new StockEvent("s1", T0.plusSeconds(120), null, null, new StockSet("OTHER", "wh-a", 1, null)),
            T0.plusSeconds(120));
        assertEquals("timed-out", request("o-1", "sup-1").getStatus());
        String second = request("o-1", "sup-2").getAllocationId();
        assertTrue(fixture.outcome(send("o-1", new ConfirmAllocationRequest(second))).getAccepted());
        assertEquals("confirmed", request("o-1", "sup-2").getStatus());
        assertEquals("outdated", request("o-1", "sup-1").getStatus());
        assertEquals("request_outdated", fixture.outcome(send("o-1", new ConfirmAllocationRequest(first))).getCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void aSupplierAnswerConfirmsBackordersAndReroutes(String guarantee) throws Exception {
        start(guarantee);
        place("o-1", 6);
        String id = request("o-1", "sup-1").getAllocationId();
        String mismatch = send("o-1", new SupplierAnswer("sup-1", List.of(new LineAnswer("l-1", 3, 1, 1, null, null, null, null)), null, null, null));
        assertEquals("quantity_mismatch", fixture.outcome(mismatch).getCode());
        assertTrue(fixture.outcome(send("o-1", new SupplierAnswer("sup-1", List.of(new LineAnswer("l-1", 3, 1, 2, "2026-12-24", null, null, null)),
            "PO-1", "INV-1", null))).getAccepted());
        ProjectedAllocationLine held = line(request("o-1", "sup-1"));
        assertEquals("backordered", held.getStatus());
        assertEquals(5, held.getQuantity());
        assertEquals(2, held.getBackorderedQuantity());
        assertEquals("2026-12-24", held.getBackorderDate());
        assertEquals(1, held.getRejectedQuantity());
        assertEquals(1, line(request("o-1", "sup-2")).getQuantity(), "the rejected unit goes to the next location");
        assertEquals(6, fixture.order("o-1").getLines().get(0).getAllocatedQuantity());
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(61));
        assertEquals("backordered", request("o-1", "sup-1").getStatus(), "an answered request does not time out");
        // later the supplier ships the backorder
        assertTrue(fixture.outcome(send("o-1", new SupplierAnswer("sup-1", List.of(new LineAnswer("l-1", 2, 0, 0, null, null, null, null)), null, null, id)))
            .getAccepted());
        assertEquals("confirmed", line(request("o-1", "sup-1")).getStatus());
        assertEquals(5, line(request("o-1", "sup-1")).getQuantity());
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void aCruxAnswersPoInvoiceAndSkuCostReachTheDecisionLogAndTheOrdersProjection(String guarantee) throws Exception {
        start(guarantee);
        place("o-1", 6);
        fixture.allocationEvents.readRecordsToList();
        LineAnswer.Builder answer = LineAnswer.newBuilder().setLineId("l-1").setAccepted(4).setRejected(0).setBackordered(2)
            .setBackorderDate("2026-12-24").setSupplierPoNumber("PO-77").setSupplierInvoiceNumber("INV-77");
        // straight from Kafka, a cost the edge would have refused: refused with its reason, and the engine goes on
        String infinite = send("o-1", new SupplierAnswer("sup-1", List.of(answer.setSupplierSkuCost("Infinity").build()), null, null, null));
        assertEquals("invalid_field", fixture.outcome(infinite).getCode());
        assertTrue(fixture.outcome(infinite).getReason().contains("supplier_sku_cost"), fixture.outcome(infinite).getReason());
        assertTrue(fixture.outcome(send("o-1", new SupplierAnswer("sup-1", List.of(answer.setSupplierSkuCost("1E+400").build()),
            null, null, null))).getAccepted());

        List<Object> decided = fixture.allocationEvents.readValuesToList().stream().map(AllocationEvent::getPayload).toList();
        List<String> given = List.of("PO-77", "INV-77", "1E+400");
        RequestLineState confirmed = decided.stream().filter(AllocationConfirmed.class::isInstance).map(AllocationConfirmed.class::cast)
            .findFirst().orElseThrow(() -> new AssertionError("no AllocationConfirmed in " + decided)).getStates().get(0);
        RequestLineState backordered = decided.stream().filter(LineBackordered.class::isInstance).map(LineBackordered.class::cast)
            .findFirst().orElseThrow(() -> new AssertionError("no LineBackordered in " + decided)).getStates().get(0);
        assertEquals(given, documents(confirmed.getSupplierPoNumber(), confirmed.getSupplierInvoiceNumber(), confirmed.getSupplierSkuCost()));
        assertEquals(given, documents(backordered.getSupplierPoNumber(), backordered.getSupplierInvoiceNumber(),
            backordered.getSupplierSkuCost()));
        ProjectedAllocationLine held = line(request("o-1", "sup-1"));
        assertEquals(given, documents(held.getSupplierPoNumber(), held.getSupplierInvoiceNumber(), held.getSupplierSkuCost()));
        ProjectedAllocationLine published = fixture.projections.readValuesToList().stream().reduce((a, b) -> b).orElseThrow()
            .getAllocations().stream().filter(a -> a.getLocationId().equals("sup-1")).findFirst().orElseThrow().getLines().get(0);
        assertEquals(given, documents(published.getSupplierPoNumber(), published.getSupplierInvoiceNumber(),
            published.getSupplierSkuCost()), "the compacted projection topic carries them too");
    }

    /**
     * Every decision logged carries the webhook header, set from the decision itself: 1 for requests at a confirm-mode
     * location and their ends (here a time-out), 0 for the rest (a direct allocation, a backorder), so the webhook
     * sender can skip decoding the rest.
     */
    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void everyDecisionLoggedIsMarkedForTheWebhookSender(String guarantee) throws Exception {
        start(guarantee);
        place("o-1", 1);    // wh-a has nothing: a request at sup-1
        fixture.stock.pipeInput("OTHER", new StockEvent("s1", T0.plusSeconds(120), null, null, new StockSet("OTHER", "wh-a", 1, null)),
            T0.plusSeconds(120));   // past the request's expiry: timed out, re-routed to sup-2
        fixture.stock.pipeInput(SKU, new StockEvent("s2", T0, null, null, new StockSet(SKU, "wh-a", 1, null)), T0);
        place("o-2", 1);    // allocated at wh-a, directly
        List<org.apache.kafka.streams.test.TestRecord<String, AllocationEvent>> logged = fixture.allocationEvents.readRecordsToList();
        java.util.Set<String> seen = new java.util.TreeSet<>();
        for (var r : logged) {
            org.apache.kafka.common.header.Header[] marks = r.headers().toArray();
            assertEquals(1, marks.length, "one header on " + r.value());
            assertEquals(DecisionHeaders.WEBHOOK, marks[0].key());
            String expected = DecisionHeaders.concernsWebhooks(r.value()) ? "1" : "0";
            assertEquals(expected, new String(marks[0].value(), java.nio.charset.StandardCharsets.US_ASCII), "on " + r.value());
            assertEquals(!expected.equals("0"), DecisionHeaders.mayConcernWebhooks(r.headers()));
            seen.add(r.value().getPayload().getClass().getSimpleName() + "=" + expected);
        }
        assertTrue(seen.contains("AllocationTimedOut=1"), "seen: " + seen);
        assertTrue(seen.contains("AllocationRequested=1"), "seen: " + seen);
        assertTrue(seen.contains("AllocationRequested=0"), "seen: " + seen);
    }

    private static List<String> documents(String po, String invoice, String cost) {
        return Arrays.asList(po, invoice, cost);
    }
}
