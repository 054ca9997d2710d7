package dev.allotment.streams.order;

import dev.allotment.events.LineProjection;
import dev.allotment.events.OrderCancelled;
import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderPlaced;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.OrderStatus;
import dev.allotment.schemas.AvroTrust;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The rules of an order's reservation, as pure functions over plain values: what makes an order
 * acceptable, the reservation it creates, and how it is cancelled. No Kafka types here.
 */
public final class OrderRules {
    static {
        AvroTrust.trustEngineEvents();
    }

    private OrderRules() {}

    /** Every way {@code placed} breaks the order contract under the default {@link Limits}, each naming its field. */
    public static List<String> violations(OrderPlaced placed) {
        return violations(placed, Limits.DEFAULTS);
    }

    /**
     * Every way {@code placed} breaks the order contract, each naming its field; empty when it is valid. An order over
     * the line cap is one violation, {@code lines}, and its lines are not looked at.
     */
    public static List<String> violations(OrderPlaced placed, Limits limits) {
        List<String> problems = new ArrayList<>();
        id("order_id", placed.getOrderId(), problems);
        id("channel", placed.getChannel(), problems);
        Limits.textProblem(placed.getOrderNumber()).ifPresent(p -> problems.add("order_number: " + p));
        List<OrderLine> lines = placed.getLines();
        if (lines == null || lines.isEmpty()) {
            problems.add("lines: at least one line is required");
            return problems;
        }
        Optional<String> tooMany = limits.linesProblem(lines.size());
        if (tooMany.isPresent()) {
            problems.add("lines: " + tooMany.get());
            return problems;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            OrderLine line = lines.get(i);
            String at = "lines[" + i + "].";
            if (id(at + "line_id", line.getLineId(), problems) && !seen.add(line.getLineId())) {
                problems.add(at + "line_id: duplicate '" + line.getLineId() + "'");
            }
            sku(at + "sku", line.getSku(), problems);
            if (line.getQuantity() <= 0) {
                problems.add(at + "quantity: must be a whole number above 0, was " + line.getQuantity());
            }
            Limits.quantityProblem(line.getQuantity()).ifPresent(p -> problems.add(at + "quantity: " + p));
        }
        if (placed.getLineHolds() != null) {
            placed.getLineHolds().forEach((lineId, holdId) -> {
                if (!seen.contains(lineId)) {
                    problems.add("line_holds: names line '" + lineId + "', which the order does not have");
                }
                id("line_holds." + lineId, holdId, problems);
            });
        }
        return problems;
    }

    /** Adds why {@code value} is not an acceptable id, if it is not (blank is "required"); whether it is. */
    private static boolean id(String field, String value, List<String> problems) {
        Optional<String> problem = isBlank(value) ? Optional.of("required") : Limits.idProblem(value);
        problem.ifPresent(p -> problems.add(field + ": " + p));
        return problem.isEmpty();
    }

    /** Adds why {@code value} is not an acceptable SKU id, if it is not ({@link Limits#skuProblem}). */
    private static void sku(String field, String value, List<String> problems) {
        (isBlank(value) ? Optional.of("required") : Limits.skuProblem(value)).ifPresent(p -> problems.add(field + ": " + p));
    }

    /** Every way {@code cancelled} breaks the order contract (its reason is a free text), each naming its field. */
    public static List<String> violations(OrderCancelled cancelled) {
        List<String> problems = new ArrayList<>();
        Limits.textProblem(cancelled.getReason()).ifPresent(p -> problems.add("reason: " + p));
        return problems;
    }

    /** The reservation a valid order creates: every line reserved, nothing allocated yet. */
    public static OrderProjection reserve(OrderPlaced placed, Instant at) {
        List<LineProjection> lines = placed.getLines().stream()
            .map(l -> LineProjection.newBuilder().setLineId(l.getLineId()).setSku(l.getSku())
                .setQuantity(l.getQuantity()).setAllocatedQuantity(0).setBackorderedQuantity(0).build())
            .toList();
        return OrderProjection.newBuilder()
            .setOrderId(placed.getOrderId())
            .setOrderNumber(placed.getOrderNumber())
            .setChannel(placed.getChannel())
            .setPriority(placed.getPriority())
            .setPlacedAt(placed.getPlacedAt())
            .setStatus(OrderStatus.RESERVED)
            .setLines(new ArrayList<>(lines))
            .setAllocations(new ArrayList<>())
            .setCreatedAt(at)
            .setUpdatedAt(at)
            .setVersion(1)
            .build();
    }

    /** Whether a repeated OrderPlaced describes the order already held (a retry, not a conflict). */
    public static boolean samePlacement(OrderProjection existing, OrderPlaced placed) {
        if (!existing.getChannel().equals(placed.getChannel())
            || existing.getPriority() != placed.getPriority()
            || existing.getLines().size() != placed.getLines().size()) {
            return false;
        }
        for (int i = 0; i < placed.getLines().size(); i++) {
            LineProjection held = existing.getLines().get(i);
            OrderLine line = placed.getLines().get(i);
            if (!held.getLineId().equals(line.getLineId()) || !held.getSku().equals(line.getSku())
                || held.getQuantity() != line.getQuantity()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The order as its own partition marks it the moment it is cancelled (status and reason only), so a
     * second cancellation is recognised at once; the cancellation is folded in full (time, version) when
     * its event comes back from the log, which keeps the live projection equal to a replay of the log.
     */
    public static OrderProjection markCancelled(OrderProjection order, String reason) {
        return OrderProjection.newBuilder(order).setStatus(OrderStatus.CANCELLED).setCancelReason(reason).build();
    }

    /** The order after cancellation: nothing stays reserved for it. */
    public static OrderProjection cancel(OrderProjection order, String reason, Instant at) {
        return OrderProjection.newBuilder(order)
            .setStatus(OrderStatus.CANCELLED)
            .setCancelReason(reason)
            .setCancelledAt(at)
            .setUpdatedAt(at)
            .setVersion(order.getVersion() + 1)
            .build();
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
