package dev.allotment.streams.order;

import dev.allotment.events.AllocationProjection;
import dev.allotment.events.LineAllocation;
import dev.allotment.events.LineProjection;
import dev.allotment.events.LineReservation;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.ProjectedAllocationLine;
import dev.allotment.streams.allocation.DecisionEvents;
import dev.allotment.streams.allocation.PartStatus;
import dev.allotment.streams.allocation.Parts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An order's projection with its lines' reservations, as their SKUs' partitions hold them, laid over it: what the fold
 * gives once it has folded the decisions those partitions have taken, one hop before it does. The edge answers a
 * supplier's answer or a manual allocation from it as soon as the command's outcome is committed (so are the lines it
 * changed, in the same transaction), instead of waiting for the order's fold (issue 19).
 *
 * <p>What it lays over: every allocation's items on the lines given (quantity, status, backordered and rejected units,
 * backorder date, the supplier's documents; an item released in full is gone, and an allocation with it when it was
 * its last, as the fold removes them), each such allocation's location, status and completion, allocations the
 * projection has not seen yet (or made anew under an id whose last item went), each line's allocated quantity, and the
 * order's status. What only the decision log carries stays as the projection has it: a request's
 * send attempts and rejection reason ({@link #rejected} sets the latter for the edge's rejection), a line's waiting
 * quantity and promise date, edits, the version. A new allocation's creation time is its first part's (the decision's
 * time on the SKU's partition; the fold takes the decision record's, a few milliseconds later), its items follow the
 * lines given (the fold's follow the log), and a completion time is the latest of the parts completed since the
 * projection (the fold's is the one that completed it, which no view the edge builds from this shows). An allocation
 * moved in full to another location (every item's part now elsewhere) is released there and made anew by the fold, so
 * here too: a request or not as its new location confirms, with the new parts' creation and expiry. An allocation id
 * released in full and taken again on the same line at the same location (a request re-routed there) is a new
 * allocation to the fold as well, with the new part's creation and expiry; the overlay cannot see that release and
 * keeps the projection's. Pure, and copy on write like {@link OrderFold}: the projection given is
 * not changed.
 */
public final class OrderOverlay {
    private OrderOverlay() {}

    /**
     * {@code order} with {@code lines} laid over it (lines of other orders are ignored); {@code decidedAt}, when not
     * null, is when the decisions were taken, the order's {@code updated_at} once folded. Read the projection before the
     * lines: the fold only folds what the SKUs' partitions have committed, so lines read after it are as new or newer.
     */
    public static OrderProjection withLines(OrderProjection order, Collection<LineReservation> lines, Instant decidedAt) {
        Map<String, LineReservation> overlaid = new LinkedHashMap<>();
        lines.stream().filter(l -> l.getOrderId().equals(order.getOrderId())).forEach(l -> overlaid.put(l.getLineId(), l));
        OrderProjection next = OrderFold.shallowCopy(order);
        if (overlaid.isEmpty()) {
            return next;
        }
        for (int i = 0; i < next.getLines().size(); i++) {
            LineReservation held = overlaid.get(next.getLines().get(i).getLineId());
            if (held != null) {
                next.getLines().set(i, LineProjection.newBuilder(next.getLines().get(i))
                    .setAllocatedQuantity(held.getAllocatedQuantity()).build());
            }
        }
        Map<String, List<Part>> parts = partsByAllocation(overlaid.values());
        List<AllocationProjection> allocations = new ArrayList<>();
        Set<String> known = new HashSet<>();
        for (AllocationProjection a : next.getAllocations()) {
            List<Part> of = parts.getOrDefault(a.getAllocationId(), List.of());
            boolean released = a.getLines().stream().allMatch(i -> overlaid.containsKey(i.getLineId())
                && of.stream().noneMatch(p -> p.line().getLineId().equals(i.getLineId())));
            // moved in full (Envoy's PATCH with a location): released where it was, its parts taken anew under its id
            boolean moved = !of.isEmpty() && a.getLines().stream().allMatch(i -> overlaid.containsKey(i.getLineId()))
                && of.stream().noneMatch(p -> p.part().getLocationId().equals(a.getLocationId()));
            // the fold removes an allocation whose last item was released; a later part under its id makes it anew
            if (!released && !moved) {
                allocations.add(laidOver(a, overlaid.keySet(), of));
                known.add(a.getAllocationId());
            }
        }
        parts.forEach((id, of) -> {
            if (!known.contains(id)) {
                allocations.add(created(id, of));
            }
        });
        next.setAllocations(allocations);
        next.setStatus(OrderFold.statusOf(next));
        if (decidedAt != null && decidedAt.isAfter(next.getUpdatedAt())) {
            next.setUpdatedAt(decidedAt);
        }
        return next;
    }

    /**
     * The request as the fold leaves it once it has folded the edge's rejection of it with the supplier's {@code reason}
     * (a rejection that released something; one that found nothing to reject logs nothing and changes no reason).
     */
    public static AllocationProjection rejected(AllocationProjection request, String reason) {
        AllocationProjection copy = OrderFold.copyOf(request);
        copy.setReason(DecisionEvents.rejectionReason(reason));
        return copy;
    }

    /** One line's part of an allocation. */
    private record Part(LineReservation line, LineAllocation part) {}

    /** The parts of the lines by allocation id, in the order given; of a line's parts of one id, the one a command acts on. */
    private static Map<String, List<Part>> partsByAllocation(Collection<LineReservation> lines) {
        Map<String, List<Part>> parts = new LinkedHashMap<>();
        for (LineReservation line : lines) {
            Map<String, LineAllocation> chosen = new LinkedHashMap<>();
            for (LineAllocation p : line.getAllocations()) {   // as ConfirmFlow.requestParts: a later part over a completed one
                chosen.merge(p.getAllocationId(), p, (was, now) -> Parts.isCompleted(was) ? now : was);
            }
            chosen.forEach((id, p) -> parts.computeIfAbsent(id, x -> new ArrayList<>()).add(new Part(line, p)));
        }
        return parts;
    }

    /** An allocation the projection has, with its items on the overlaid lines replaced by what their parts hold. */
    private static AllocationProjection laidOver(AllocationProjection a, Set<String> overlaidLines, List<Part> parts) {
        boolean touched = !parts.isEmpty() || a.getLines().stream().anyMatch(i -> overlaidLines.contains(i.getLineId()));
        if (!touched) {
            return a;
        }
        AllocationProjection copy = OrderFold.copyOf(a);
        List<ProjectedAllocationLine> items = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        for (ProjectedAllocationLine item : a.getLines()) {
            if (!overlaidLines.contains(item.getLineId())) {
                items.add(item);
                continue;
            }
            parts.stream().filter(p -> p.line().getLineId().equals(item.getLineId())).findFirst().ifPresent(p -> {
                items.add(item(item, p, a.getRequest()));
                placed.add(item.getLineId());
            });
        }
        parts.stream().filter(p -> !placed.contains(p.line().getLineId())).forEach(p -> items.add(item(null, p, a.getRequest())));
        copy.setLines(items);
        if (!parts.isEmpty()) {
            // an allocation moved (Envoy's PATCH with a location) is where its latest part was taken
            copy.setLocationId(parts.stream().max(Comparator.comparing(p -> p.part().getCreatedAt())).orElseThrow()
                .part().getLocationId());
        }
        copy.setStatus(OrderFold.statusOf(copy));
        if (copy.getCompletedAt() == null && PartStatus.COMPLETED.wire().equals(copy.getStatus())) {
            // the fold stamps the completion that completes it; the latest of the parts completed since is that one
            copy.setCompletedAt(parts.stream().filter(p -> Parts.isCompleted(p.part()) && a.getLines().stream().noneMatch(i ->
                    i.getLineId().equals(p.line().getLineId()) && i.getCompleted()))
                .map(p -> p.part().getCompletedAt()).max(Comparator.naturalOrder()).orElse(null));
        }
        return copy;
    }

    /** An allocation the projection has not seen yet, from its parts. */
    private static AllocationProjection created(String id, List<Part> parts) {
        LineAllocation first = parts.stream().map(Part::part).min(Comparator.comparing(LineAllocation::getCreatedAt)).orElseThrow();
        LineAllocation latest = parts.stream().map(Part::part).max(Comparator.comparing(LineAllocation::getCreatedAt)).orElseThrow();
        AllocationProjection a = AllocationProjection.newBuilder().setAllocationId(id).setLocationId(latest.getLocationId())
            .setStatus(PartStatus.ALLOCATED.wire()).setLines(new ArrayList<>()).setCreatedAt(first.getCreatedAt())
            .setCompletedAt(null).setRequest(first.getConfirm()).setExpiresAt(first.getExpiresAt()).build();
        parts.forEach(p -> a.getLines().add(item(null, p, a.getRequest())));
        a.setStatus(OrderFold.statusOf(a));
        if (PartStatus.COMPLETED.wire().equals(a.getStatus())) {
            a.setCompletedAt(parts.stream().map(p -> p.part().getCompletedAt()).max(Comparator.naturalOrder()).orElse(null));
        }
        return a;
    }

    /**
     * The item a part makes. A completed item's status is hidden by every view (completed wins); it keeps the one the
     * projection had, as the fold does, else the status a part reaches before it ships.
     */
    private static ProjectedAllocationLine item(ProjectedAllocationLine was, Part p, boolean request) {
        LineAllocation part = p.part();
        boolean completed = Parts.isCompleted(part);
        String status = !completed ? (request ? part.getStatus() : PartStatus.ALLOCATED.wire())
            : was != null ? was.getStatus() : (request ? PartStatus.CONFIRMED : PartStatus.ALLOCATED).wire();
        return ProjectedAllocationLine.newBuilder().setLineId(p.line().getLineId()).setSku(p.line().getSku())
            .setQuantity(part.getQuantity()).setCompleted(completed).setStatus(status)
            .setBackorderedQuantity(part.getBackorderedQuantity()).setRejectedQuantity(part.getRejectedQuantity())
            .setBackorderDate(part.getBackorderDate()).setSupplierPoNumber(part.getSupplierPoNumber())
            .setSupplierInvoiceNumber(part.getSupplierInvoiceNumber()).setSupplierSkuCost(part.getSupplierSkuCost()).build();
    }
}
