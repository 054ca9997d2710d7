package dev.allotment.streams.order;

import dev.allotment.events.AllocatedLine;
import dev.allotment.events.AllocationCancelled;
import dev.allotment.events.AllocationCompleted;
import dev.allotment.events.AllocationEvent;
import dev.allotment.events.AllocationMode;
import dev.allotment.events.AllocationProjection;
import dev.allotment.events.AllocationRejected;
import dev.allotment.events.AllocationRequested;
import dev.allotment.events.AllocationSendFailed;
import dev.allotment.events.AllocationSent;
import dev.allotment.events.LineAdded;
import dev.allotment.events.LineBackordered;
import dev.allotment.events.LineCancelled;
import dev.allotment.events.LineQuantityChanged;
import dev.allotment.events.LineProjection;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.OrderStatus;
import dev.allotment.events.ProjectedAllocationLine;
import dev.allotment.events.RequestLineState;
import dev.allotment.events.ReservationCancelled;
import dev.allotment.schemas.AvroTrust;
import dev.allotment.streams.allocation.AvroLists;
import dev.allotment.streams.allocation.DecisionEvents;
import dev.allotment.streams.allocation.PartStatus;
import dev.allotment.streams.allocation.Parts;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Folds the decision log into an order's projection: the lines' outcomes decided on their SKUs'
 * partitions come back here as events and are applied in order. Pure: the same log gives the same
 * projection, which is how projections are rebuilt and verified.
 *
 * <p>Copy on write: the projection given is never changed, so a reader holding it (an interactive query, the store's
 * commit-time cache) keeps a consistent order. The projection returned is a new record whose lists hold the same lines
 * and allocations as before except the ones the event changed, which are copies (issue 15 defect 5: a deep copy of a
 * 500-line order per decision made one big order's folding cost its size times its decisions).
 */
public final class OrderFold {
    static {
        AvroTrust.trustEngineEvents();
    }

    private OrderFold() {}

    /** The projection after {@code event}, or empty when the event does not change it. */
    public static Optional<OrderProjection> apply(OrderProjection order, AllocationEvent event) {
        Object payload = event.getPayload();
        if (payload instanceof ReservationCancelled cancelled) {
            return Optional.of(OrderRules.cancel(order, cancelled.getReason(), event.getOccurredAt()));
        }
        OrderProjection next = shallowCopy(order);
        if (!fold(next, payload, event)) {
            return Optional.empty();
        }
        next.setStatus(statusOf(next));
        next.setUpdatedAt(event.getOccurredAt());
        next.setVersion(order.getVersion() + 1);
        return Optional.of(next);
    }

    /**
     * A position that names no offset: the order's positions when its history was forgotten (a final order, a retention
     * after it became final). What the log holds of it before is no longer its history, and is not looked for.
     */
    public static final long HISTORY_FORGOTTEN = -2L;

    /** The order with its history forgotten: its positions no more than {@link #HISTORY_FORGOTTEN}. */
    public static OrderProjection withHistoryForgotten(OrderProjection order) {
        OrderProjection next = fieldsOf(order);
        next.setHistoryPositions(List.of(HISTORY_FORGOTTEN));
        return next;
    }

    /**
     * A position that names where to look rather than an offset: first in an order's positions, the order's reservation
     * is in the log after {@code offset} (and within {@link dev.allotment.streams.state.DecisionLog#RESERVATION_SEARCH}
     * offsets of it). Written when the order is placed, with the offset the order's fold had read up to: the reservation
     * is logged after it. The fold replaces it by the reservation's own offset when it writes the order next; until
     * then, or when the task that held that offset stopped, a history read looks for the reservation there.
     */
    public static long reservationAfter(long offset) {
        return -3 - offset;
    }

    /** Whether {@code position} is a {@link #reservationAfter} mark. */
    public static boolean isReservationAfter(long position) {
        return position <= -3;
    }

    /** The offset a {@link #reservationAfter} mark names. */
    public static long afterOf(long mark) {
        return -3 - mark;
    }

    /** Whether the order's positions have its reservation's yet to come: none at all, or a {@link #reservationAfter} mark alone. */
    public static boolean awaitsReservation(List<Long> positions) {
        return positions.isEmpty() || positions.size() == 1 && isReservationAfter(positions.get(0));
    }

    /**
     * The order with {@code offset} appended to its history's positions ({@code history_positions}): where the event
     * just folded is in the decision log. {@code order} is not changed (a reader on another thread may hold it); a
     * {@code fresh} one (just made by {@link #apply}, seen by no one else) gets the new list itself.
     */
    public static OrderProjection withPosition(OrderProjection order, boolean fresh, long offset) {
        List<Long> before = order.getHistoryPositions();
        List<Long> positions = new ArrayList<>(before.size() + 1);
        positions.addAll(before);
        positions.add(offset);
        OrderProjection next = fresh ? order : fieldsOf(order);
        next.setHistoryPositions(positions);
        return next;
    }

    /**
     * The order, which {@link #awaitsReservation awaits its reservation's position}, with its history's positions
     * {@code reservation} then {@code then}: the mark that said where to look for the reservation is no longer needed.
     */
    public static OrderProjection withReservationFirst(OrderProjection order, boolean fresh, long reservation, long... then) {
        List<Long> positions = new ArrayList<>(1 + then.length);
        positions.add(reservation);
        for (long offset : then) {
            positions.add(offset);
        }
        OrderProjection next = fresh ? order : fieldsOf(order);
        next.setHistoryPositions(positions);
        return next;
    }

    /** The order without its history's positions: what the projection feed carries, and an order whose history went. */
    public static OrderProjection withoutPositions(OrderProjection order) {
        if (order.getHistoryPositions().isEmpty()) {
            return order;
        }
        OrderProjection next = fieldsOf(order);
        next.setHistoryPositions(List.of());
        return next;
    }

    /** A new record holding the order's fields (the same values: a change to one of them is a change to both). */
    private static OrderProjection fieldsOf(OrderProjection order) {
        OrderProjection copy = new OrderProjection();
        for (int i = 0; i < OrderProjection.SCHEMA$.getFields().size(); i++) {
            copy.put(i, order.get(i));
        }
        return copy;
    }

    /** A new record with the order's fields and new lists of the same lines and allocations: what the fold may change. */
    static OrderProjection shallowCopy(OrderProjection order) {
        OrderProjection copy = fieldsOf(order);
        copy.setLines(new ArrayList<>(order.getLines()));
        copy.setAllocations(new ArrayList<>(order.getAllocations()));
        return copy;
    }

    /** Applies one decision to {@code next}; whether it changed anything (an unknown allocation or line changes nothing). */
    private static boolean fold(OrderProjection next, Object payload, AllocationEvent event) {
        if (payload instanceof AllocationRequested r) {
            requested(next, r, event);
            return true;
        } else if (payload instanceof AllocationCancelled c) {
            return cancelled(next, c);
        } else if (payload instanceof AllocationCompleted c) {
            return completed(next, c);
        } else if (payload instanceof LineAdded added) {
            if (line(next, added.getLineId()).isEmpty()) {   // live, the order's partition has marked it already
                next.getLines().add(OrderEdits.newLine(added.getLineId(), added.getSku(), added.getQuantity()));
            }
            return true;
        } else if (payload instanceof LineQuantityChanged changed) {
            Optional<LineProjection> line = line(next, changed.getLineId());
            line.ifPresent(l -> {
                l.setQuantity(changed.getQuantity());
                // what is newly waiting is logged as LineBackordered next; what no longer is, is not
                l.setBackorderedQuantity(Math.min(l.getBackorderedQuantity(), Math.max(0, changed.getQuantity() - l.getAllocatedQuantity())));
                datedWhileBackordered(l);
            });
            return line.isPresent();
        } else if (payload instanceof LineCancelled cancelled) {
            Optional<LineProjection> line = line(next, cancelled.getLineId());
            line.ifPresent(l -> {
                l.setQuantity(cancelled.getQuantity());
                l.setBackorderedQuantity(0);
                datedWhileBackordered(l);
                l.setCancelledAt(event.getOccurredAt());
            });
            return line.isPresent();
        } else if (payload instanceof LineBackordered b && b.getLocationId() == null) {
            Optional<LineProjection> line = line(next, b.getLineId());
            line.ifPresent(l -> {
                l.setBackorderedQuantity(b.getQuantity());
                l.setExpectedAt(b.getExpectedAt());
                datedWhileBackordered(l);
            });
            return line.isPresent();
        }
        String allocationId = DecisionEvents.allocationIdOf(payload);   // a request's lines set to what was decided
        Optional<AllocationProjection> found = allocationId == null ? Optional.empty()
            : states(next, allocationId, DecisionEvents.statesOf(payload));
        found.ifPresent(a -> annotate(a, payload));
        return found.isPresent();
    }

    /** A line's promise date (expected_at) holds while it is backordered: one no longer waiting has none. */
    private static void datedWhileBackordered(LineProjection line) {
        if (line.getBackorderedQuantity() <= 0) {
            line.setExpectedAt(null);
        }
    }

    /** What a request's decision adds beside its lines' states: delivery attempts, a rejection's reason. */
    private static void annotate(AllocationProjection request, Object payload) {
        if (payload instanceof AllocationSent sent) {
            request.setSendAttempts(request.getSendAttempts() + sent.getAttempts());
        } else if (payload instanceof AllocationSendFailed failed) {
            request.setSendAttempts(request.getSendAttempts() + failed.getAttempts());
        } else if (payload instanceof AllocationRejected rejected) {
            request.setReason(rejected.getReason());
        }
    }

    private static void requested(OrderProjection order, AllocationRequested r, AllocationEvent event) {
        AllocationProjection allocation = allocation(order, r.getAllocationId()).orElseGet(() -> {
            AllocationProjection created = AllocationProjection.newBuilder().setAllocationId(r.getAllocationId())
                .setLocationId(r.getLocationId()).setStatus(PartStatus.ALLOCATED.wire()).setLines(new ArrayList<>())
                .setCreatedAt(event.getOccurredAt()).setCompletedAt(null)
                .setRequest(r.getConfirmMode() == AllocationMode.CONFIRM).setExpiresAt(r.getExpiresAt()).build();
            order.getAllocations().add(created);
            return created;
        });
        // an allocation moved (Envoy's PATCH with a location): its parts were released where they were and requested
        // here under the same id, one SKU after another, so the allocation is where its latest part was taken
        allocation.setLocationId(r.getLocationId());
        for (AllocatedLine l : r.getLines()) {
            line(order, l.getLineId()).ifPresent(line -> {
                line.setAllocatedQuantity(line.getAllocatedQuantity() + l.getQuantity());
                line.setBackorderedQuantity(Math.max(0, line.getBackorderedQuantity() - l.getQuantity()));
                datedWhileBackordered(line);
            });
            ProjectedAllocationLine item = item(allocation, l.getLineId()).orElseGet(() -> newItem(allocation, l.getLineId(), l.getSku()));
            if (PartStatus.of(item.getStatus()).isReleased()) {   // a new part under an id whose earlier part was released
                item.setQuantity(0);
                item.setStatus(PartStatus.ALLOCATED.wire());
            }
            item.setQuantity(item.getQuantity() + l.getQuantity());
        }
        allocation.setStatus(statusOf(allocation));
    }

    private static ProjectedAllocationLine newItem(AllocationProjection allocation, String lineId, String sku) {
        ProjectedAllocationLine added = ProjectedAllocationLine.newBuilder().setLineId(lineId).setSku(sku).setQuantity(0)
            .setCompleted(false).build();
        allocation.getLines().add(added);
        return added;
    }

    /** Sets a request's lines to the states the SKU partition decided (and each order line's allocated quantity). */
    private static Optional<AllocationProjection> states(OrderProjection order, String allocationId, List<RequestLineState> states) {
        Optional<AllocationProjection> found = allocation(order, allocationId);
        found.ifPresent(allocation -> {
            for (RequestLineState s : states) {
                ProjectedAllocationLine item = item(allocation, s.getLineId()).orElseGet(() -> newItem(allocation, s.getLineId(), s.getSku()));
                item.setQuantity(s.getQuantity());
                item.setStatus(s.getStatus());
                item.setBackorderedQuantity(s.getBackorderedQuantity());
                item.setRejectedQuantity(s.getRejectedQuantity());
                item.setBackorderDate(s.getBackorderDate());
                item.setSupplierPoNumber(s.getSupplierPoNumber());
                item.setSupplierInvoiceNumber(s.getSupplierInvoiceNumber());
                item.setSupplierSkuCost(s.getSupplierSkuCost());
                line(order, s.getLineId()).ifPresent(l -> l.setAllocatedQuantity(s.getLineAllocatedQuantity()));
            }
            allocation.setStatus(statusOf(allocation));
        });
        return found;
    }

    /** Whether the allocation (or some line of it) still holds stock. */
    public static boolean holds(AllocationProjection a) {
        return a.getLines().stream().anyMatch(i -> !i.getCompleted() && !PartStatus.of(i.getStatus()).isReleased());
    }

    /** Allocations Envoy and Veeqo show: those holding stock and those completed, not released requests. */
    public static boolean heldOrCompleted(AllocationProjection a) {
        return holds(a) || PartStatus.COMPLETED.wire().equals(a.getStatus());
    }

    /** A request's open lines decide its status in this order: the least advanced line wins. */
    private static final List<PartStatus> HELD_BY_PROGRESS = List.of(PartStatus.ALLOCATED, PartStatus.FAILED, PartStatus.SENT,
        PartStatus.BACKORDERED, PartStatus.CONFIRMED);
    /** With nothing held or completed, the first of these among its lines is a request's status. */
    private static final List<PartStatus> RELEASED_BY_PRECEDENCE = List.of(PartStatus.TIMED_OUT, PartStatus.OUTDATED,
        PartStatus.REJECTED);

    /**
     * A request's status from its lines (Centra's names, plus backordered): the least advanced line wins,
     * so a request is confirmed once every line still held is; a direct allocation is allocated or completed.
     */
    public static String statusOf(AllocationProjection a) {
        List<ProjectedAllocationLine> items = a.getLines();
        boolean allCompleted = !items.isEmpty() && items.stream().allMatch(ProjectedAllocationLine::getCompleted);
        if (!a.getRequest()) {
            return (allCompleted ? PartStatus.COMPLETED : PartStatus.ALLOCATED).wire();
        }
        Set<PartStatus> open = EnumSet.noneOf(PartStatus.class);
        items.stream().filter(i -> !i.getCompleted()).forEach(i -> open.add(PartStatus.of(i.getStatus())));
        for (PartStatus status : HELD_BY_PROGRESS) {
            if (open.contains(status)) {
                return status.wire();
            }
        }
        if (items.stream().anyMatch(ProjectedAllocationLine::getCompleted)) {
            return (allCompleted ? PartStatus.COMPLETED : PartStatus.CONFIRMED).wire();
        }
        for (PartStatus status : RELEASED_BY_PRECEDENCE) {
            if (open.contains(status)) {
                return status.wire();
            }
        }
        return a.getStatus();
    }

    private static boolean cancelled(OrderProjection order, AllocationCancelled c) {
        Optional<AllocationProjection> found = allocation(order, c.getAllocationId());
        found.ifPresent(allocation -> {
            for (AllocatedLine l : c.getLines()) {
                line(order, l.getLineId()).ifPresent(line ->
                    line.setAllocatedQuantity(line.getAllocatedQuantity() - l.getQuantity()));
                item(allocation, l.getLineId()).ifPresent(item -> {
                    item.setQuantity(item.getQuantity() - l.getQuantity());
                    item.setBackorderedQuantity(Parts.backorderedAfterRelease(item.getBackorderedQuantity(), l.getQuantity()));
                    if (item.getQuantity() <= 0) {
                        AvroLists.removeIdentical(allocation.getLines(), item);
                    }
                });
            }
            if (allocation.getLines().isEmpty()) {
                AvroLists.removeIdentical(order.getAllocations(), allocation);
            } else {   // what is left decides, as after every other decision: a request whose held line went is no longer allocated
                allocation.setStatus(statusOf(allocation));
            }
        });
        return found.isPresent();
    }

    private static boolean completed(OrderProjection order, AllocationCompleted c) {
        Optional<AllocationProjection> found = allocation(order, c.getAllocationId());
        found.ifPresent(allocation -> {
            for (AllocatedLine l : c.getLines()) {
                item(allocation, l.getLineId()).ifPresent(item -> item.setCompleted(true));
            }
            allocation.setStatus(statusOf(allocation));
            if (allocation.getStatus().equals(PartStatus.COMPLETED.wire())) {
                allocation.setCompletedAt(c.getCompletedAt());
            }
        });
        return found.isPresent();
    }

    /** Whether an order in {@code status} is done with (completed or cancelled): its history may be forgotten after a retention. */
    public static boolean isFinal(OrderStatus status) {
        return status == OrderStatus.COMPLETED || status == OrderStatus.CANCELLED;
    }

    /** An order's status from its lines and allocations. */
    public static OrderStatus statusOf(OrderProjection order) {
        if (order.getStatus() == OrderStatus.CANCELLED
            || order.getLines().stream().allMatch(l -> l.getCancelledAt() != null)) {   // every line cancelled, one by one
            return OrderStatus.CANCELLED;
        }
        long quantity = 0;   // in long: lines of up to Limits.MAX_QUANTITY each add up past the int range
        long allocated = 0;
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
        List<AllocationProjection> held = order.getAllocations().stream()
            .filter(OrderFold::heldOrCompleted).toList();
        boolean allCompleted = !held.isEmpty() && held.stream().allMatch(a -> PartStatus.COMPLETED.wire().equals(a.getStatus()));
        return allCompleted ? OrderStatus.COMPLETED : OrderStatus.ALLOCATED;
    }

    /** The order's line, copied into {@code next}'s list to be changed (copy on write). */
    private static Optional<LineProjection> line(OrderProjection next, String lineId) {
        return copyOnWrite(next.getLines(), l -> l.getLineId().equals(lineId), l -> LineProjection.newBuilder(l).build());
    }

    /**
     * The order's allocation, copied into {@code next}'s list to be changed: a new record with a new list of the same
     * items (each copied in turn by {@link #item} when it changes).
     */
    private static Optional<AllocationProjection> allocation(OrderProjection next, String id) {
        return copyOnWrite(next.getAllocations(), a -> a.getAllocationId().equals(id), OrderFold::copyOf);
    }

    /** A new record with the allocation's fields and a new list of the same items. */
    static AllocationProjection copyOf(AllocationProjection a) {
        AllocationProjection copy = new AllocationProjection();
        for (int f = 0; f < AllocationProjection.SCHEMA$.getFields().size(); f++) {
            copy.put(f, a.get(f));
        }
        copy.setLines(new ArrayList<>(a.getLines()));
        return copy;
    }

    /** An item of an allocation already copied by {@link #allocation}, copied in its turn to be changed. */
    private static Optional<ProjectedAllocationLine> item(AllocationProjection allocation, String lineId) {
        return copyOnWrite(allocation.getLines(), i -> i.getLineId().equals(lineId), i -> ProjectedAllocationLine.newBuilder(i).build());
    }

    /**
     * The first element of {@code list} that {@code matches}, replaced in the list by its {@code copy} and returned, so
     * the caller changes the copy and never the original, which earlier folds may share.
     */
    private static <T> Optional<T> copyOnWrite(List<T> list, Predicate<T> matches, UnaryOperator<T> copy) {
        for (int i = 0; i < list.size(); i++) {
            if (matches.test(list.get(i))) {
                T copied = copy.apply(list.get(i));
                list.set(i, copied);
                return Optional.of(copied);
            }
        }
        return Optional.empty();
    }
}
