package dev.allotment.streams.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderPlaced;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.OrderStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderRulesTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    static OrderPlaced order(String id, OrderLine... lines) {
        return OrderPlaced.newBuilder().setOrderId(id).setChannel("web").setPriority(0).setPlacedAt(T0)
            .setLines(List.of(lines)).build();
    }

    static OrderLine line(String id, String sku, int quantity) {
        return new OrderLine(id, sku, quantity);
    }

    @Test
    void aValidOrderHasNoViolations() {
        assertEquals(List.of(), OrderRules.violations(order("o-1", line("l-1", "S", 2), line("l-2", "T", 1))));
    }

    @Test
    void everyBrokenFieldIsNamed() {
        List<String> problems = OrderRules.violations(order("o-1", line("l-1", "S", 0), line("l-1", "", -3)));
        assertEquals(List.of("lines[0].quantity: must be a whole number above 0, was 0",
            "lines[1].line_id: duplicate 'l-1'", "lines[1].sku: required",
            "lines[1].quantity: must be a whole number above 0, was -3"), problems);
        assertEquals(List.of("lines: at least one line is required"), OrderRules.violations(order("o-2")));
    }

    @Test
    void idsWithControlCharactersSurroundingSpacesOrOverTheLengthAreNamed() {
        OrderPlaced placed = OrderPlaced.newBuilder(order("o\u0000-1", line(" l-1", "S\u0007", 1), line("l-2", "s".repeat(129), 1)))
            .setChannel("web\n").build();
        List<String> problems = OrderRules.violations(placed);
        assertEquals(List.of("order_id", "channel", "lines[0].line_id", "lines[0].sku", "lines[1].sku"),
            problems.stream().map(p -> p.substring(0, p.indexOf(':'))).toList(), problems.toString());
        assertTrue(problems.get(0).contains("control character U+0000"), problems.get(0));
        assertTrue(problems.get(4).contains("128"), problems.get(4));
        assertEquals(List.of(), OrderRules.violations(order("ord 1/ü", line("7", "inv_42", 1))), "ids are opaque");
    }

    @Test
    void aQuantityOverTheMaximumOrALongOrderNumberIsNamed() {
        OrderPlaced placed = OrderPlaced.newBuilder(order("o-1", line("l-1", "S", 1_000_000_001), line("l-2", "S", 1_000_000_000)))
            .setOrderNumber("n".repeat(2_049)).build();
        List<String> problems = OrderRules.violations(placed);
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("order_number: "), problems.get(0));
        assertEquals("lines[0].quantity: must be at most 1000000000, was 1000000001", problems.get(1));
    }

    @Test
    void moreLinesThanTheDefaultCapIsOneViolationNamingLines() {
        OrderLine[] lines = new OrderLine[501];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = line("l-" + i, "S", 1);
        }
        assertEquals(List.of("lines: at most 500 lines per order, was 501"), OrderRules.violations(order("o-1", lines)));
        assertEquals(List.of(), OrderRules.violations(order("o-1", java.util.Arrays.copyOf(lines, 500))));
    }

    @Test
    void aReservationHoldsEveryLineWithNothingAllocated() {
        OrderProjection reserved = OrderRules.reserve(order("o-1", line("l-1", "S", 2), line("l-2", "T", 5)), T0);
        assertEquals(OrderStatus.RESERVED, reserved.getStatus());
        assertEquals(2, reserved.getLines().size());
        assertTrue(reserved.getLines().stream().allMatch(l -> l.getAllocatedQuantity() == 0));
        assertEquals(5, reserved.getLines().get(1).getQuantity());
        assertEquals(T0, reserved.getCreatedAt());
    }

    @Test
    void aRepeatedPlacementIsRecognisedAndAChangedOneIsNot() {
        OrderProjection reserved = OrderRules.reserve(order("o-1", line("l-1", "S", 2)), T0);
        assertTrue(OrderRules.samePlacement(reserved, order("o-1", line("l-1", "S", 2))));
        assertFalse(OrderRules.samePlacement(reserved, order("o-1", line("l-1", "S", 3))));
        assertFalse(OrderRules.samePlacement(reserved, order("o-1", line("l-1", "S", 2), line("l-2", "S", 1))));
    }

    @Test
    void cancellationKeepsTheLinesAndRecordsTheReason() {
        OrderProjection reserved = OrderRules.reserve(order("o-1", line("l-1", "S", 2)), T0);
        OrderProjection cancelled = OrderRules.cancel(reserved, "customer request", T0.plusSeconds(5));
        assertEquals(OrderStatus.CANCELLED, cancelled.getStatus());
        assertEquals("customer request", cancelled.getCancelReason());
        assertEquals(reserved.getLines(), cancelled.getLines());
        assertEquals(2, cancelled.getVersion());
    }
}
