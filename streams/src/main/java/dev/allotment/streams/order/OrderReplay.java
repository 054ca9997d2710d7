package dev.allotment.streams.order;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.LineProjection;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.OrderStatus;
import dev.allotment.events.ReservationCreated;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Rebuilds an order's projection from its decision log alone, as of any moment: the same fold the
 * engine runs live ({@link OrderFold}), started from the ReservationCreated. The live projection and the
 * replay of its full history must be equal (DESIGN §4, invariant 5).
 */
public final class OrderReplay {
    private OrderReplay() {}

    /** The projection after every event that occurred at or before {@code asOf} (all when null); empty before the order existed. */
    /**
     * Whether {@code history} is an order's whole history: it begins with the order's ReservationCreated, which the engine
     * logs before any decision about the order. Not so once the history was forgotten (allotment.retention.order-history)
     * and perhaps a later decision kept: the past can no longer be replayed from it.
     */
    public static boolean isWhole(List<AllocationEvent> history) {
        return !history.isEmpty() && history.get(0).getPayload() instanceof ReservationCreated;
    }

    public static Optional<OrderProjection> replay(String orderId, List<AllocationEvent> history, Instant asOf) {
        OrderProjection order = null;
        for (AllocationEvent event : history) {
            if (asOf != null && event.getOccurredAt().isAfter(asOf)) {
                break;
            }
            Object payload = event.getPayload();
            if (payload instanceof ReservationCreated created) {
                if (order == null) {
                    order = reserved(orderId, created, event.getOccurredAt());
                }
            } else if (order != null) {
                order = OrderFold.apply(order, event).orElse(order);
            }
        }
        return Optional.ofNullable(order);
    }

    private static OrderProjection reserved(String orderId, ReservationCreated created, Instant at) {
        List<LineProjection> lines = new ArrayList<>();
        created.getLines().forEach(l -> lines.add(OrderEdits.newLine(l.getLineId(), l.getSku(), l.getQuantity())));
        return OrderProjection.newBuilder().setOrderId(orderId).setOrderNumber(created.getOrderNumber())
            .setChannel(created.getChannel()).setPriority(created.getPriority()).setPlacedAt(created.getPlacedAt())
            .setStatus(OrderStatus.RESERVED).setLines(lines).setAllocations(new ArrayList<>())
            .setCreatedAt(at).setUpdatedAt(at).setVersion(1).build();
    }
}
