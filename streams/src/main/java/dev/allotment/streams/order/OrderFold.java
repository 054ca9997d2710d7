package dev.allotment.streams.order;

import dev.allotment.events.AllocatedLine;
import dev.allotment.events.AllocationCancelled;
import dev.allotment.events.AllocationCompleted;
import dev.allotment.events.AllocationEvent;
import dev.allotment.events.AllocationProjection;
import dev.allotment.events.AllocationRequested;
import dev.allotment.events.LineBackordered;
import dev.allotment.events.LineProjection;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.OrderStatus;
import dev.allotment.events.ProjectedAllocationLine;
import dev.allotment.events.ReservationCancelled;
import dev.allotment.schemas.AvroTrust;
import java.util.ArrayList;
import java.util.Optional;

/**
 * Folds the decision log into an order's projection: the lines' outcomes decided on their SKUs'
 * partitions come back here as events and are applied in order. Pure: the same log gives the same
 * projection, which is how projections are rebuilt and verified.
 */
public final class OrderFold {
    static {
        AvroTrust.trustEngineEvents();
    }

    private OrderFold() {}

    /** The projection after {@code event}, or empty when the event does not change it. */
    public static Optional<OrderProjection> apply(OrderProjection order, AllocationEvent event) {
        OrderProjection next = OrderProjection.newBuilder(order).build();
        Object payload = event.getPayload();
        if (payload instanceof ReservationCancelled cancelled) {
            return Optional.of(OrderRules.cancel(order, cancelled.getReason(), event.getOccurredAt()));
        }
        if (payload instanceof AllocationRequested r) {
            requested(next, r, event);
        } else if (payload instanceof AllocationCancelled c) {
            cancelled(next, c);
        } else if (payload instanceof AllocationCompleted c) {
            completed(next, c);
        } else if (payload instanceof LineBackordered b) {
            line(next, b.getLineId()).ifPresent(l -> l.setBackorderedQuantity(b.getQuantity()));
        } else {
            return Optional.empty();
        }
        next.setStatus(statusOf(next));
        next.setUpdatedAt(event.getOccurredAt());
        next.setVersion(order.getVersion() + 1);
        return Optional.of(next);
    }

    private static void requested(OrderProjection order, AllocationRequested r, AllocationEvent event) {
        AllocationProjection allocation = allocation(order, r.getAllocationId()).orElseGet(() -> {
            AllocationProjection created = new AllocationProjection(r.getAllocationId(), r.getLocationId(), "allocated",
                new ArrayList<>(), event.getOccurredAt(), null);
            order.getAllocations().add(created);
            return created;
        });
        for (AllocatedLine l : r.getLines()) {
            line(order, l.getLineId()).ifPresent(line -> {
                line.setAllocatedQuantity(line.getAllocatedQuantity() + l.getQuantity());
                line.setBackorderedQuantity(Math.max(0, line.getBackorderedQuantity() - l.getQuantity()));
            });
            ProjectedAllocationLine item = item(allocation, l.getLineId()).orElseGet(() -> {
                ProjectedAllocationLine added = new ProjectedAllocationLine(l.getLineId(), l.getSku(), 0, false);
                allocation.getLines().add(added);
                return added;
            });
            item.setQuantity(item.getQuantity() + l.getQuantity());
        }
        allocation.setStatus("allocated");
    }

    private static void cancelled(OrderProjection order, AllocationCancelled c) {
        allocation(order, c.getAllocationId()).ifPresent(allocation -> {
            for (AllocatedLine l : c.getLines()) {
                line(order, l.getLineId()).ifPresent(line ->
                    line.setAllocatedQuantity(line.getAllocatedQuantity() - l.getQuantity()));
                item(allocation, l.getLineId()).ifPresent(item -> {
                    item.setQuantity(item.getQuantity() - l.getQuantity());
                    if (item.getQuantity() <= 0) {
                        removeElement(allocation.getLines(), item);
                    }
                });
            }
            if (allocation.getLines().isEmpty()) {
                removeElement(order.getAllocations(), allocation);
            }
        });
    }

    private static void completed(OrderProjection order, AllocationCompleted c) {
        allocation(order, c.getAllocationId()).ifPresent(allocation -> {
            for (AllocatedLine l : c.getLines()) {
                item(allocation, l.getLineId()).ifPresent(item -> item.setCompleted(true));
            }
            if (allocation.getLines().stream().allMatch(ProjectedAllocationLine::getCompleted)) {
                allocation.setStatus("completed");
                allocation.setCompletedAt(c.getCompletedAt());
            }
        });
    }

    /** An order's status from its lines and allocations. */
    public static OrderStatus statusOf(OrderProjection order) {
        if (order.getStatus() == OrderStatus.CANCELLED) {
            return OrderStatus.CANCELLED;
        }
        int quantity = 0;
        int allocated = 0;
        for (LineProjection l : order.getLines()) {
            quantity += l.getQuantity();
            allocated += l.getAllocatedQuantity();
        }
        if (allocated == 0) {
            return OrderStatus.RESERVED;
        }
        if (allocated < quantity) {
            return OrderStatus.PARTIALLY_ALLOCATED;
        }
        boolean allCompleted = !order.getAllocations().isEmpty()
            && order.getAllocations().stream().allMatch(a -> "completed".equals(a.getStatus()));
        return allCompleted ? OrderStatus.COMPLETED : OrderStatus.ALLOCATED;
    }

    /** Removes {@code element} itself; Avro's decoded arrays remove by index only. */
    private static <T> void removeElement(java.util.List<T> list, T element) {
        for (int at = 0; at < list.size(); at++) {
            if (list.get(at) == element) {   // identity: Avro's equals fails on nullable timestamps
                list.remove(at);
                return;
            }
        }
    }

    private static Optional<LineProjection> line(OrderProjection order, String lineId) {
        return order.getLines().stream().filter(l -> l.getLineId().equals(lineId)).findFirst();
    }

    private static Optional<AllocationProjection> allocation(OrderProjection order, String id) {
        return order.getAllocations().stream().filter(a -> a.getAllocationId().equals(id)).findFirst();
    }

    private static Optional<ProjectedAllocationLine> item(AllocationProjection allocation, String lineId) {
        return allocation.getLines().stream().filter(i -> i.getLineId().equals(lineId)).findFirst();
    }
}
