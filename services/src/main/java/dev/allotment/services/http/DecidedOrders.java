package dev.allotment.services.http;

import dev.allotment.events.AllocationProjection;
import dev.allotment.events.CommandOutcome;
import dev.allotment.events.LineReservation;
import dev.allotment.events.OrderProjection;
import dev.allotment.services.engine.CommandGateway;
import dev.allotment.streams.order.OrderOverlay;
import dev.allotment.streams.state.EngineState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An order as its SKUs' partitions have decided it, for the edge's reads around a command: the order's projection with
 * the line reservations of the command's SKUs laid over it ({@link OrderOverlay}). A supplier's answer or a manual
 * allocation is answered from it once the command's outcome is committed (one hop), not once the order's fold has
 * folded the command's decisions (two hops: a second exactly-once commit, about 60 ms at p50). Both reads are committed
 * state (the stores are read at {@code READ_COMMITTED}), and the lines the command changed were committed with its
 * outcome. The projection itself, {@code GET /orders/{id}} and the lists, shows the decisions one fold later.
 */
final class DecidedOrders {
    private DecidedOrders() {}

    /** {@code order} with the lines of {@code skus} laid over it; {@code decidedAt}: when a command changed it (else null). */
    static OrderProjection of(EngineState state, OrderProjection order, Collection<String> skus, Instant decidedAt) {
        return new Decided(order, lines(state, order.getOrderId(), skus)).overlaid(decidedAt);
    }

    /** {@code order} with {@code lines} (by SKU, read after it) laid over it, as it stands, no command's decision time. */
    static OrderProjection of(OrderProjection order, Map<String, List<LineReservation>> lines) {
        return new Decided(order, lines).overlaid(null);
    }

    /**
     * The order after commands on {@code skus} whose committed outcomes are {@code results}: the lines, read now, laid
     * over {@code before}, its projection as read before the commands were sent. The lines are as new as what that
     * projection folded, or newer, as the overlay asks; the projection is not read again (a second read and decode of
     * the whole order per answer, for what the fold may have folded in the few milliseconds since: the SKUs' lines,
     * which the overlay lays over it anyway, or another caller's change, which an answer to this one need not show).
     */
    static OrderProjection after(EngineState state, OrderProjection before, Collection<String> skus,
                                 List<CommandGateway.Result> results) {
        return decided(state, before, skus).overlaid(decidedAt(results));
    }

    /**
     * What {@link #after} reads, kept for an answer that shows the lines themselves too (Veeqo's allocation beside its
     * order): one read of each SKU's lines, so that both parts of the answer show the same state.
     */
    static Decided decided(EngineState state, OrderProjection before, Collection<String> skus) {
        return new Decided(before, lines(state, before.getOrderId(), skus));
    }

    /** When the accepted commands among {@code results} were decided (the latest), or null when none was accepted. */
    static Instant decidedAt(List<CommandGateway.Result> results) {
        return results.stream().filter(CommandGateway.Result::accepted).map(r -> r.outcome().get().getDecidedAt())
            .max(Comparator.naturalOrder()).orElse(null);
    }

    private static Map<String, List<LineReservation>> lines(EngineState state, String orderId, Collection<String> skus) {
        Map<String, List<LineReservation>> lines = new LinkedHashMap<>();
        for (String sku : skus) {
            lines.computeIfAbsent(sku, s -> state.lines(s, orderId));
        }
        return lines;
    }

    /** An order's projection and, read after it, the line reservations of some of its SKUs, by SKU. */
    record Decided(OrderProjection order, Map<String, List<LineReservation>> lines) {
        /** The projection with the lines laid over it ({@link OrderOverlay}). */
        OrderProjection overlaid(Instant decidedAt) {
            List<LineReservation> all = new ArrayList<>();
            lines.values().forEach(all::addAll);
            return OrderOverlay.withLines(order, all, decidedAt);
        }
    }

    /** Whether an accepted command logged a decision about the order (a repeated answer that changed nothing logs none). */
    static boolean logged(List<CommandGateway.Result> results) {
        return results.stream().filter(CommandGateway.Result::accepted).map(r -> r.outcome().get())
            .mapToInt(CommandOutcome::getEvents).sum() > 0;
    }

    /** The order's allocation {@code id}. */
    static Optional<AllocationProjection> allocation(OrderProjection order, String id) {
        return order.getAllocations().stream().filter(a -> a.getAllocationId().equals(id)).findFirst();
    }
}
