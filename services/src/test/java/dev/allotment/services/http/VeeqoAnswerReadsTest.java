package dev.allotment.services.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.ConfirmMode;
import dev.allotment.events.LineAllocation;
import dev.allotment.events.LineReservation;
import dev.allotment.events.LocationKind;
import dev.allotment.events.LocationStock;
import dev.allotment.events.LocationUpserted;
import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderPlaced;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.SkuStock;
import dev.allotment.streams.order.OrderRules;
import dev.allotment.streams.state.EngineState;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Veeqo's answer to a manual allocation shows the allocation and the order it belongs to, and both show the same SKUs'
 * sellables and lines: the edge reads each once per answer (each SKU's lines, each SKU's stock, each location; the
 * order once, before the command), so both parts describe the same committed state and a busy edge does not read it twice.
 */
class VeeqoAnswerReadsTest {
    private static final Instant T0 = Instant.parse("2026-12-06T00:00:00Z");
    private final Map<String, Integer> reads = new HashMap<>();

    @Test
    void theAllocationAndItsOrderShowOneReadOfEachLineAndSellable() {
        OrderProjection order = OrderRules.reserve(OrderPlaced.newBuilder().setOrderId("o-1").setChannel("manual")
            .setPriority(0).setPlacedAt(T0).setLines(List.of(new OrderLine("l-1", "S1", 2), new OrderLine("l-2", "S1", 1),
                new OrderLine("l-3", "S2", 4))).build(), T0);
        Map<String, List<LineReservation>> lines = Map.of(
            "S1", List.of(line("l-1", "S1", 2, "a-1"), line("l-2", "S1", 1, null)),
            "S2", List.of(line("l-3", "S2", 4, "a-1")));
        EngineState state = counting(order, lines);

        DecidedOrders.Decided decided = DecidedOrders.decided(state, order, List.of("S1", "S2", "S1"));
        OrderProjection after = decided.overlaid(T0.plusSeconds(1));
        AllocationViews.VeeqoIds ids = AllocationViews.VeeqoIds.TEXT;
        AllocationViews.Sellables sellables = new AllocationViews.Sellables();
        Map<String, Object> made = AllocationViews.veeqo(state, "o-1", "a-1", "L1", decided.lines(), T0, ids, sellables);
        Map<String, Object> answer = AllocationViews.veeqoOrder(state, after, made, Views.allocatedCompletely(after), ids,
            sellables);

        assertEquals(Map.of("lines S1", 1, "lines S2", 1, "stock S1", 1, "stock S2", 1,
            "location L1", 3, "location SUP", 2), reads,
            "one read of each SKU's lines and stock; each location once per sellable, and once for the allocation's "
            + "warehouse; the order not again (the controller read it before the command, and the lines are laid over that)");
        List<?> allocated = (List<?>) made.get("line_items");
        assertEquals(List.of("l-1", "l-3"), allocated.stream().map(i -> ((Map<?, ?>) i).get("id")).toList(),
            "the allocation's lines, from the lines read");
        List<?> orderItems = (List<?>) answer.get("line_items");
        assertEquals(3, orderItems.size());
        assertSame(((Map<?, ?>) allocated.get(0)).get("sellable"), ((Map<?, ?>) orderItems.get(0)).get("sellable"),
            "the allocation and the order show the one sellable read");
        Map<?, ?> s2 = (Map<?, ?>) ((Map<?, ?>) orderItems.get(2)).get("sellable");
        assertEquals("S2", s2.get("sku_code"));
        assertEquals(List.of(2, 0, 4), orderItems.stream().map(i -> ((Map<?, ?>) i).get("allocated_quantity")).toList(),
            "the order's lines with the decided lines laid over them");
        assertTrue(((List<?>) answer.get("allocations")).contains(made));
    }

    @Test
    void anAnswerAfterACommandReadsTheLinesAndLaysThemOverTheOrderReadBeforeIt() {
        OrderProjection before = OrderRules.reserve(OrderPlaced.newBuilder().setOrderId("o-1").setChannel("manual")
            .setPriority(0).setPlacedAt(T0).setLines(List.of(new OrderLine("l-1", "S1", 2), new OrderLine("l-2", "S2", 1)))
            .build(), T0);
        EngineState state = counting(before, Map.of("S1", List.of(line("l-1", "S1", 2, "a-1")),
            "S2", List.of(line("l-2", "S2", 1, null))));

        OrderProjection after = DecidedOrders.after(state, before, List.of("S1", "S2"), List.of());

        assertEquals(Map.of("lines S1", 1, "lines S2", 1), reads, "each SKU's lines once, and the order not again");
        assertEquals(List.of(2, 0), after.getLines().stream().map(l -> l.getAllocatedQuantity()).toList(),
            "the lines read after the command, laid over the order read before it");
        assertEquals(List.of("a-1"), after.getAllocations().stream().map(a -> a.getAllocationId()).toList());
        assertEquals(0, before.getAllocations().size(), "the order read before is not changed");
    }

    private static LineReservation line(String lineId, String sku, int quantity, String allocationId) {
        List<LineAllocation> parts = new ArrayList<>();
        if (allocationId != null) {
            parts.add(LineAllocation.newBuilder().setAllocationId(allocationId).setLocationId("L1").setQuantity(quantity)
                .setStatus("allocated").setCreatedAt(T0).setCompletedAt(null).setConfirm(false).setExpiresAt(null).build());
        }
        return LineReservation.newBuilder().setOrderId("o-1").setLineId(lineId).setSku(sku).setQuantity(quantity)
            .setAllocatedQuantity(allocationId == null ? 0 : quantity).setChannel("manual").setPlacedAt(T0)
            .setAllocations(parts).build();
    }

    /** The engine's stores as the answer reads them, counting each read; any other read fails the test. */
    private EngineState counting(OrderProjection order, Map<String, List<LineReservation>> lines) {
        Map<String, LocationUpserted> locations = Map.of(
            "L1", new LocationUpserted("L1", "Leeds", LocationKind.WAREHOUSE, ConfirmMode.DIRECT, null, true, null),
            "SUP", new LocationUpserted("SUP", "Supplier", LocationKind.SUPPLIER, ConfirmMode.CONFIRM, 3600, false, null));
        return (EngineState) Proxy.newProxyInstance(EngineState.class.getClassLoader(), new Class<?>[] {EngineState.class},
            (proxy, method, args) -> switch (method.getName()) {
                case "order" -> {
                    reads.merge("order " + args[0], 1, Integer::sum);
                    yield Optional.of(order);
                }
                case "lines" -> {
                    reads.merge("lines " + args[0], 1, Integer::sum);
                    yield lines.get((String) args[0]);
                }
                case "stock" -> {
                    reads.merge("stock " + args[0], 1, Integer::sum);
                    Map<String, LocationStock> levels = new HashMap<>();
                    levels.put("L1", new LocationStock(10, 3, 0, T0, 0, List.of()));
                    levels.put("SUP", new LocationStock(0, 0, 0, T0, 0, List.of()));
                    yield Optional.of(new SkuStock((String) args[0], levels, 1L, null));
                }
                case "location" -> {
                    reads.merge("location " + args[0], 1, Integer::sum);
                    yield Optional.ofNullable(locations.get((String) args[0]));
                }
                default -> throw new AssertionError("the answer read " + method.getName());
            });
    }
}
