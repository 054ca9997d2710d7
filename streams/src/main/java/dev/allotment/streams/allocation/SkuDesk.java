package dev.allotment.streams.allocation;

import dev.allotment.events.AllocateLines;
import dev.allotment.events.AllocatedLine;
import dev.allotment.events.AllocationCancelled;
import dev.allotment.events.AllocationCompleted;
import dev.allotment.events.AllocationConfirmed;
import dev.allotment.events.AllocationOutdated;
import dev.allotment.events.AllocationRejected;
import dev.allotment.events.AllocationSendFailed;
import dev.allotment.events.AllocationSent;
import dev.allotment.events.AllocationTimedOut;
import dev.allotment.events.ConfirmAllocationRequest;
import dev.allotment.events.AllocationMode;
import dev.allotment.events.AllocationRequested;
import dev.allotment.events.DeleteAllocations;
import dev.allotment.events.IncomingSet;
import dev.allotment.events.LineAllocation;
import dev.allotment.events.LineBackordered;
import dev.allotment.events.LineQuantity;
import dev.allotment.events.LineReservation;
import dev.allotment.events.LocationStock;
import dev.allotment.events.MarkRequestSendFailed;
import dev.allotment.events.MarkRequestSent;
import dev.allotment.events.RejectAllocationRequest;
import dev.allotment.events.RequestLineState;
import dev.allotment.events.SupplierAnswer;
import dev.allotment.events.ReleaseOrder;
import dev.allotment.events.ReserveLine;
import dev.allotment.events.SkuStock;
import dev.allotment.events.StockAdjusted;
import dev.allotment.events.StockSet;
import dev.allotment.events.UpdateAllocation;
import dev.allotment.schemas.AvroTrust;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every decision about one SKU, taken on the partition that owns the SKU's stock and its lines'
 * reservations (single writer: no locks, no oversell). Plain Java over a {@link SkuBook}: the
 * topology runs it on state stores, the property tests on maps. A refused input changes nothing.
 */
public final class SkuDesk {
    /** How many waiting lines one change of stock looks at. */
    static final int FILL_BATCH = 10_000;

    static {
        AvroTrust.trustEngineEvents();
    }

    private final SkuBook book;
    private final Locations locations;

    public SkuDesk(SkuBook book, Locations locations) {
        this.book = book;
        this.locations = locations;
    }

    // ---------------------------------------------------------------- stock

    /** Applies a StockSet, StockAdjusted or IncomingSet; refuses one that would leave physical below allocated. */
    public Decisions stock(String sku, Object change, Instant at) {
        SkuStock stock = stockOf(sku);
        Decisions d = new Decisions();
        if (change instanceof StockSet set) {
            LocationStock at0 = location(stock, set.getLocationId(), at);
            requireNotBelowAllocated(sku, set.getLocationId(), at0, set.getPhysical());
            if (set.getIncoming() != null && set.getIncoming() < 0) {
                throw new Refusal("invalid_quantity", "incoming must not be negative, was " + set.getIncoming());
            }
            at0.setPhysical(set.getPhysical());
            if (set.getIncoming() != null) {
                at0.setIncoming(set.getIncoming());
            }
            d.stockChanged(set.getLocationId());
        } else if (change instanceof StockAdjusted adjusted) {
            LocationStock at0 = location(stock, adjusted.getLocationId(), at);
            long physical = (long) at0.getPhysical() + adjusted.getDelta();
            if (physical > Integer.MAX_VALUE) {
                throw new Refusal("invalid_quantity", "physical would exceed " + Integer.MAX_VALUE);
            }
            requireNotBelowAllocated(sku, adjusted.getLocationId(), at0, (int) physical);
            at0.setPhysical((int) physical);
            d.stockChanged(adjusted.getLocationId());
        } else if (change instanceof IncomingSet incoming) {
            if (incoming.getIncoming() < 0) {
                throw new Refusal("invalid_quantity", "incoming must not be negative, was " + incoming.getIncoming());
            }
            location(stock, incoming.getLocationId(), at).setIncoming(incoming.getIncoming());
            d.stockChanged(incoming.getLocationId());
        } else {
            throw new Refusal("unsupported", "not a stock event: " + change.getClass().getSimpleName());
        }
        fill(stock, at, d);
        book.putStock(stock);
        return d;
    }

    private void requireNotBelowAllocated(String sku, String locationId, LocationStock s, int physical) {
        if (physical < 0) {
            throw new Refusal("invalid_quantity", "physical of " + sku + " at " + locationId + " must not be negative, was " + physical);
        }
        if (tracksStock(locationId) && physical < s.getAllocated()) {
            throw new Refusal("below_allocated", "physical " + physical + " of " + sku + " at " + locationId
                + " would be below the " + s.getAllocated() + " allocated there; release or complete allocations first");
        }
    }

    // ---------------------------------------------------------------- commands

    /** Applies one command about this SKU's lines of {@code orderId}; throws {@link Refusal} and changes nothing when refused. */
    public Decisions command(String sku, String commandId, String orderId, Object payload, Instant at) {
        SkuStock stock = stockOf(sku);
        Decisions d = new Decisions();
        if (payload instanceof ReserveLine reserve) {
            reserve(stock, orderId, reserve, at, d);
        } else if (payload instanceof AllocateLines allocate) {
            allocate(stock, commandId, orderId, allocate, at, d);
        } else if (payload instanceof UpdateAllocation update) {
            update(stock, orderId, update, at, d);
        } else if (payload instanceof DeleteAllocations) {
            releaseAll(stock, orderId, "allocations deleted", false, d);
            fill(stock, at, d);
        } else if (payload instanceof ReleaseOrder release) {
            releaseAll(stock, orderId, release.getReason() == null ? "order cancelled" : "order cancelled: " + release.getReason(), true, d);
            fill(stock, at, d);
        } else if (payload instanceof ConfirmAllocationRequest confirm) {
            confirm(stock, orderId, confirm.getAllocationId(), at, d);
        } else if (payload instanceof RejectAllocationRequest reject) {
            reject(stock, orderId, reject.getAllocationId(), reject.getReason(), at, d);
        } else if (payload instanceof SupplierAnswer answer) {
            answer(stock, orderId, answer, at, d);
        } else if (payload instanceof MarkRequestSent sent) {
            mark(stock, orderId, sent.getAllocationId(), true, sent.getAttempts(), null, d);
        } else if (payload instanceof MarkRequestSendFailed failed) {
            mark(stock, orderId, failed.getAllocationId(), false, failed.getAttempts(), failed.getError(), d);
        } else {
            throw new Refusal("unsupported", payload.getClass().getSimpleName() + " is not decided on a SKU's partition");
        }
        book.putStock(stock);
        return d;
    }

    private void reserve(SkuStock stock, String orderId, ReserveLine r, Instant at, Decisions d) {
        if (book.line(stock.getSku(), orderId, r.getLineId()).isPresent()) {
            return; // delivered again: the reservation exists
        }
        LineReservation line = LineReservation.newBuilder().setOrderId(orderId).setLineId(r.getLineId())
            .setSku(stock.getSku()).setQuantity(r.getQuantity()).setAllocatedQuantity(0).setChannel(r.getChannel())
            .setPriority(r.getPriority()).setPlacedAt(r.getPlacedAt()).setCancelled(false).setWaiting(false)
            .setAllocations(new ArrayList<>()).setDeclinedLocations(new ArrayList<>()).setAllocationBase(r.getAllocationId())
            .build();
        List<Site> routing = locations.routing(r.getChannel());
        if (!routing.isEmpty()) {
            List<Site> candidates = AllocationPlanner.candidates(routing, r.getPreferredLocation());
            for (Pick pick : AllocationPlanner.plan(r.getQuantity(), candidates, loc -> available(stock, loc))) {
                String why = pick.site().id().equals(r.getPreferredLocation())
                    ? "auto: whole order at " + pick.site().id()
                    : "auto: rank " + (routing.indexOf(pick.site()) + 1) + " of channel " + r.getChannel();
                allocateAt(stock, line, pick.site(), pick.quantity(), r.getAllocationId() + "@" + pick.site().id(), why, at, d);
            }
            int remaining = line.getQuantity() - line.getAllocatedQuantity();
            if (remaining > 0) {
                line.setWaiting(true);
                d.decided(orderId, new LineBackordered(line.getLineId(), line.getSku(), remaining, null, null, null, List.of()));
            }
        }
        book.putLine(line);
    }

    private void allocate(SkuStock stock, String commandId, String orderId, AllocateLines a, Instant at, Decisions d) {
        Site site = locations.site(a.getLocationId()).orElseThrow(() ->
            new Refusal("unknown_location", "no location " + a.getLocationId()));
        Map<String, LineReservation> touched = new LinkedHashMap<>();
        Map<String, Integer> planned = new HashMap<>();
        int total = 0;
        for (LineQuantity wanted : a.getLines()) {
            if (wanted.getQuantity() <= 0) {
                throw new Refusal("invalid_quantity", "quantity of " + wanted.getSku() + " must be above 0");
            }
            LineReservation line = resolve(stock.getSku(), orderId, wanted, planned, touched);
            int unallocated = line.getQuantity() - line.getAllocatedQuantity() - planned.getOrDefault(line.getLineId(), 0);
            if (wanted.getQuantity() > unallocated) {
                throw new Refusal("over_quantity", "line " + line.getLineId() + " of order " + orderId + " has "
                    + unallocated + " of " + line.getQuantity() + " unallocated; asked for " + wanted.getQuantity());
            }
            planned.merge(line.getLineId(), wanted.getQuantity(), Integer::sum);
            total += wanted.getQuantity();
        }
        if (site.tracksStock() && total > available(stock, site.id())) {
            throw new Refusal("insufficient_stock", "only " + available(stock, site.id()) + " of " + stock.getSku()
                + " available at " + site.id() + "; asked for " + total);
        }
        String allocationId = a.getAllocationId() != null ? a.getAllocationId() : "al-" + commandId;
        for (Map.Entry<String, Integer> p : planned.entrySet()) {
            LineReservation line = touched.get(p.getKey());
            allocateAt(stock, line, site, p.getValue(), allocationId, "manual", at, d);
            if (line.getAllocatedQuantity() >= line.getQuantity()) {
                line.setWaiting(false);
            }
            book.putLine(line);
        }
    }

    /** The line a command names: by id, or the first line of the order with this SKU that has quantity left. */
    private LineReservation resolve(String sku, String orderId, LineQuantity wanted, Map<String, Integer> planned,
                                    Map<String, LineReservation> touched) {
        LineReservation line = null;
        if (wanted.getLineId() != null) {
            line = touched.containsKey(wanted.getLineId()) ? touched.get(wanted.getLineId())
                : book.line(sku, orderId, wanted.getLineId()).orElse(null);
        } else {
            for (LineReservation candidate : book.linesOfOrder(sku, orderId)) {
                LineReservation held = touched.getOrDefault(candidate.getLineId(), candidate);
                int left = held.getQuantity() - held.getAllocatedQuantity() - planned.getOrDefault(held.getLineId(), 0);
                if (!held.getCancelled() && left > 0) {
                    line = held;
                    break;
                }
                if (line == null && !held.getCancelled()) {
                    line = held; // every line is full: the over_quantity check names the first
                }
            }
        }
        if (line == null) {
            throw new Refusal("unknown_line", "order " + orderId + " has no line "
                + (wanted.getLineId() != null ? wanted.getLineId() + " " : "") + "of " + sku);
        }
        if (line.getCancelled()) {
            throw new Refusal("order_cancelled", "order " + orderId + " is cancelled");
        }
        touched.put(line.getLineId(), line);
        return line;
    }

    private void update(SkuStock stock, String orderId, UpdateAllocation u, Instant at, Decisions d) {
        List<LineReservation> lines = book.linesOfOrder(stock.getSku(), orderId);
        boolean found = lines.stream().anyMatch(l -> l.getAllocations().stream()
            .anyMatch(p -> p.getAllocationId().equals(u.getAllocationId())));
        if (!found) {
            throw new Refusal("unknown_allocation", "order " + orderId + " has no allocation " + u.getAllocationId()
                + " of " + stock.getSku());
        }
        if (u.getLines() != null) {
            changeQuantities(stock, orderId, u, lines, at, d);
        }
        if (u.getCompletedAt() != null) {
            for (LineReservation line : lines) {
                for (LineAllocation part : line.getAllocations()) {
                    if (part.getAllocationId().equals(u.getAllocationId()) && holds(part)) {
                        complete(stock, line, part, u.getCompletedAt(), d);
                    }
                }
                endFlowIfSettled(stock, line, d);   // completing a request confirms it
                book.putLine(line);
            }
        }
        fill(stock, at, d);
    }

    private void changeQuantities(SkuStock stock, String orderId, UpdateAllocation u, List<LineReservation> lines,
                                  Instant at, Decisions d) {
        record Change(LineReservation line, LineAllocation part, int delta) {}
        List<Change> changes = new ArrayList<>();
        int increase = 0;
        String locationId = null;
        for (LineQuantity wanted : u.getLines()) {
            if (wanted.getQuantity() < 0) {
                throw new Refusal("invalid_quantity", "quantity of " + wanted.getSku() + " must not be negative");
            }
            LineReservation line = null;
            LineAllocation part = null;
            for (LineReservation l : lines) {
                if (wanted.getLineId() != null && !wanted.getLineId().equals(l.getLineId())) {
                    continue;
                }
                for (LineAllocation p : l.getAllocations()) {
                    if (p.getAllocationId().equals(u.getAllocationId()) && part == null && (holds(p) || isCompleted(p))) {
                        line = l;
                        part = p;
                    }
                }
            }
            if (part == null) {
                throw new Refusal("unknown_line", "allocation " + u.getAllocationId() + " has no item " + wanted.getSku()
                    + (wanted.getLineId() == null ? "" : " on line " + wanted.getLineId()));
            }
            if (!holds(part)) {
                throw new Refusal("allocation_completed", "allocation " + u.getAllocationId() + " is " + part.getStatus()
                    + " and can no longer change");
            }
            int delta = wanted.getQuantity() - part.getQuantity();
            if (delta > line.getQuantity() - line.getAllocatedQuantity()) {
                throw new Refusal("over_quantity", "line " + line.getLineId() + " has " + (line.getQuantity()
                    - line.getAllocatedQuantity()) + " unallocated; the change asks for " + delta + " more");
            }
            increase += Math.max(0, delta);
            locationId = part.getLocationId();
            changes.add(new Change(line, part, delta));
        }
        if (increase > 0 && tracksStock(locationId) && increase > available(stock, locationId)) {
            throw new Refusal("insufficient_stock", "only " + available(stock, locationId) + " of " + stock.getSku()
                + " available at " + locationId + "; the change needs " + increase);
        }
        for (Change c : changes) {
            if (c.delta() > 0) {
                Site site = locations.site(c.part().getLocationId())
                    .orElse(new Site(c.part().getLocationId(), !c.part().getConfirm(), true));
                allocateAt(stock, c.line(), site, c.delta(), u.getAllocationId(), "manual change", at, d);
            } else if (c.delta() < 0) {
                release(stock, c.line(), c.part(), -c.delta(), "manual change", d);
            }
            book.putLine(c.line());
        }
    }

    private void releaseAll(SkuStock stock, String orderId, String reason, boolean cancelLines, Decisions d) {
        for (LineReservation line : book.linesOfOrder(stock.getSku(), orderId)) {
            for (LineAllocation part : List.copyOf(line.getAllocations())) {
                if (part.getConfirm() && !isFinal(part) && (holds(part) || isShadow(part))) {
                    outdate(stock, line, List.of(part), d);
                } else if (holds(part)) {
                    release(stock, line, part, part.getQuantity(), reason, d);
                }
            }
            line.setWaiting(false);
            if (cancelLines) {
                line.setCancelled(true);
            }
            book.putLine(line);
        }
    }

    // ---------------------------------------------------------------- direct, then confirm

    private static final java.util.Set<String> HOLDING = java.util.Set.of("allocated", "sent", "failed", "confirmed", "backordered");
    private static final java.util.Set<String> PENDING = java.util.Set.of("allocated", "sent", "failed");

    /** Whether the part holds stock at its location (and counts in its line's allocated quantity). */
    public static boolean holds(LineAllocation p) {
        return HOLDING.contains(p.getStatus());
    }

    /** A timed-out request: released and re-routed, yet still confirmable while its line's flow goes on. */
    static boolean isShadow(LineAllocation p) {
        return p.getStatus().equals("timed-out");
    }

    static boolean isCompleted(LineAllocation p) {
        return p.getStatus().equals("completed");
    }

    /** A request waiting for its supplier's answer. */
    static boolean isPending(LineAllocation p) {
        return p.getConfirm() && PENDING.contains(p.getStatus());
    }

    /** Whether the supplier may still answer the part: pending, backordered or timed-out. */
    static boolean isAnswerable(LineAllocation p) {
        return p.getConfirm() && (isPending(p) || p.getStatus().equals("backordered") || isShadow(p));
    }

    /** What a supplier's answer settles of the part: a backorder's backordered units, else all of it. */
    static int openQuantity(LineAllocation p) {
        return p.getStatus().equals("backordered") ? p.getBackorderedQuantity() : p.getQuantity();
    }

    /** Final quantity: a direct allocation, a confirmed or a completed one. */
    static boolean isFinal(LineAllocation p) {
        return isCompleted(p) || (holds(p) && (!p.getConfirm() || p.getStatus().equals("confirmed")));
    }

    /** One line's part of an allocation request. */
    private record Part(LineReservation line, LineAllocation part) {}

    /** The parts of request {@code allocationId} on this SKU's lines of the order; refuses unknown ids and direct allocations. */
    private List<Part> requestParts(String sku, String orderId, String allocationId) {
        List<Part> parts = new ArrayList<>();
        for (LineReservation line : book.linesOfOrder(sku, orderId)) {
            LineAllocation chosen = null;
            for (LineAllocation p : line.getAllocations()) {
                if (p.getAllocationId().equals(allocationId) && (chosen == null || isCompleted(chosen))) {
                    chosen = p;
                }
            }
            if (chosen != null) {
                parts.add(new Part(line, chosen));
            }
        }
        if (parts.isEmpty()) {
            throw new Refusal("unknown_allocation", "order " + orderId + " has no allocation request " + allocationId + " of " + sku);
        }
        if (parts.stream().anyMatch(p -> !p.part().getConfirm())) {
            throw new Refusal("not_a_request", "allocation " + allocationId + " is at a direct location: it is final and needs no confirmation");
        }
        return parts;
    }

    private void confirm(SkuStock stock, String orderId, String allocationId, Instant at, Decisions d) {
        List<Part> parts = requestParts(stock.getSku(), orderId, allocationId);
        for (Part p : parts) {
            String status = p.part().getStatus();
            if (status.equals("rejected") || status.equals("outdated")) {
                throw new Refusal("request_" + status, "allocation request " + allocationId + " is " + status + " and can no longer be confirmed");
            }
        }
        // a timed-out request takes its quantity back: plan what it supersedes and check stock before changing anything
        Map<Part, List<LineAllocation>> superseded = new LinkedHashMap<>();
        Map<String, Integer> reacquired = new HashMap<>();
        for (Part p : parts) {
            if (isShadow(p.part())) {
                superseded.put(p, supersede(p.line(), p.part().getQuantity(), List.of(p.part()), allocationId));
                reacquired.merge(p.part().getLocationId(), p.part().getQuantity(), Integer::sum);
            }
        }
        requireAvailable(stock, reacquired, "to confirm the timed-out request " + allocationId);
        for (Part p : parts) {
            LineAllocation part = p.part();
            if (isShadow(part)) {
                outdate(stock, p.line(), superseded.get(p), d);
                take(stock, p.line(), part.getLocationId(), part.getQuantity(), at, d);
            } else if (!isAnswerable(part)) {
                continue; // confirmed or completed already: a repeated confirmation changes nothing
            }
            part.setStatus("confirmed");
            part.setBackorderedQuantity(0);
            part.setBackorderDate(null);
            d.decided(orderId, new AllocationConfirmed(allocationId, List.of(state(p.line(), part))));
            settle(stock, p.line(), "re-route after request " + allocationId + " was confirmed", at, d);
        }
        fill(stock, at, d);
    }

    private void reject(SkuStock stock, String orderId, String allocationId, String reason, Instant at, Decisions d) {
        List<Part> parts = requestParts(stock.getSku(), orderId, allocationId);
        for (Part p : parts) {
            if (isFinal(p.part())) {
                throw new Refusal("request_confirmed", "allocation request " + allocationId + " is " + p.part().getStatus()
                    + " and can no longer be rejected");
            }
        }
        String why = reason == null || reason.isBlank() ? "rejected" : "rejected: " + reason;
        for (Part p : parts) {
            LineAllocation part = p.part();
            if (!isAnswerable(part)) {
                continue; // rejected or outdated already
            }
            List<AllocatedLine> released = new ArrayList<>();
            if (holds(part)) {
                give(stock, p.line(), part.getLocationId(), part.getQuantity(), d);
                released.add(new AllocatedLine(p.line().getLineId(), p.line().getSku(), part.getQuantity()));
            }
            part.setRejectedQuantity(part.getRejectedQuantity() + part.getQuantity());
            part.setStatus("rejected");
            decline(p.line(), part.getLocationId());
            d.decided(orderId, new AllocationRejected(allocationId, released, why, List.of(state(p.line(), part))));
            settle(stock, p.line(), "re-route: " + part.getLocationId() + " rejected request " + allocationId, at, d);
        }
        fill(stock, at, d);
    }

    /** A supplier's answer per line (Crux): accepted quantity is confirmed, backordered is held there with its date, rejected is re-routed. */
    private void answer(SkuStock stock, String orderId, SupplierAnswer a, Instant at, Decisions d) {
        record Split(LineAllocation part, int accepted, int backordered, int rejected) {}
        record Plan(LineReservation line, dev.allotment.events.LineAnswer answer, List<Split> splits, List<LineAllocation> superseded) {}
        List<Plan> plans = new ArrayList<>();
        Map<String, Integer> reacquired = new HashMap<>();
        for (dev.allotment.events.LineAnswer ans : a.getLines()) {
            LineReservation line = book.line(stock.getSku(), orderId, ans.getLineId()).orElseThrow(() ->
                new Refusal("unknown_line", "order " + orderId + " has no line " + ans.getLineId() + " of " + stock.getSku()));
            if (line.getCancelled()) {
                continue; // the order was cancelled: nothing is left to answer
            }
            if (ans.getAccepted() < 0 || ans.getRejected() < 0 || ans.getBackordered() < 0) {
                throw new Refusal("invalid_quantity", "line " + ans.getLineId() + ": quantities must not be negative");
            }
            List<LineAllocation> parts = line.getAllocations().stream().filter(SkuDesk::isAnswerable)
                .filter(p -> a.getLocationId() == null || a.getLocationId().equals(p.getLocationId()))
                .filter(p -> a.getAllocationId() == null || a.getAllocationId().equals(p.getAllocationId()))
                .sorted(java.util.Comparator.comparing(LineAllocation::getCreatedAt)).toList();
            if (parts.isEmpty()) {
                throw new Refusal("not_actionable", "line " + ans.getLineId() + " has no open allocation request"
                    + (a.getLocationId() == null ? "" : " at " + a.getLocationId()) + " (already answered, outdated or never requested)");
            }
            int requested = parts.stream().mapToInt(SkuDesk::openQuantity).sum();
            int answered = ans.getAccepted() + ans.getRejected() + ans.getBackordered();
            if (answered != requested) {
                throw new Refusal("quantity_mismatch", "line " + ans.getLineId() + ": accepted " + ans.getAccepted() + " + rejected "
                    + ans.getRejected() + " + backordered " + ans.getBackordered() + " = " + answered + ", but " + requested
                    + " was requested");
            }
            List<Split> splits = new ArrayList<>();
            int accept = ans.getAccepted();
            int backorder = ans.getBackordered();
            int taken = 0;
            for (LineAllocation part : parts) {
                int open = openQuantity(part);
                int acc = Math.min(accept, open);
                int bo = Math.min(backorder, open - acc);
                accept -= acc;
                backorder -= bo;
                splits.add(new Split(part, acc, bo, open - acc - bo));
                if (isShadow(part) && acc + bo > 0) {
                    taken += acc + bo;
                    reacquired.merge(part.getLocationId(), acc + bo, Integer::sum);
                }
            }
            int freed = splits.stream().filter(s -> holds(s.part())).mapToInt(Split::rejected).sum();
            plans.add(new Plan(line, ans, splits, supersede(line, taken - freed, parts, "the answer")));
        }
        requireAvailable(stock, reacquired, "for the supplier's answer");
        for (Plan plan : plans) {
            LineReservation line = plan.line();
            outdate(stock, line, plan.superseded(), d);
            for (Split s : plan.splits()) {
                LineAllocation part = s.part();
                String id = part.getAllocationId();
                List<AllocatedLine> released = new ArrayList<>();
                if (holds(part)) {
                    if (s.rejected() > 0) {
                        give(stock, line, part.getLocationId(), s.rejected(), d);
                        released.add(new AllocatedLine(line.getLineId(), line.getSku(), s.rejected()));
                    }
                } else if (s.accepted() + s.backordered() > 0) {
                    take(stock, line, part.getLocationId(), s.accepted() + s.backordered(), at, d);
                }
                part.setRejectedQuantity(part.getRejectedQuantity() + s.rejected());
                int kept = (holds(part) ? part.getQuantity() - openQuantity(part) : 0) + s.accepted() + s.backordered();
                if (kept > 0) {
                    part.setQuantity(kept);
                    part.setBackorderedQuantity(s.backordered());
                    part.setStatus(s.backordered() > 0 ? "backordered" : "confirmed");
                    part.setBackorderDate(s.backordered() > 0 ? plan.answer().getBackorderDate() : null);
                } else {
                    part.setStatus("rejected");
                }
                if (s.rejected() > 0) {
                    decline(line, part.getLocationId());
                    d.decided(orderId, new AllocationRejected(id, released, "rejected by the supplier", List.of(state(line, part))));
                }
                if (s.accepted() > 0) {
                    d.decided(orderId, new AllocationConfirmed(id, List.of(state(line, part))));
                }
                if (s.backordered() > 0) {
                    d.decided(orderId, LineBackordered.newBuilder().setLineId(line.getLineId()).setSku(line.getSku())
                        .setQuantity(s.backordered()).setLocationId(part.getLocationId()).setBackorderDate(part.getBackorderDate())
                        .setAllocationId(id).setStates(List.of(state(line, part))).build());
                }
            }
            settle(stock, line, "re-route: the supplier rejected part of line " + line.getLineId(), at, d);
        }
        fill(stock, at, d);
    }

    /** The webhook sender's report: allocated (or failed) becomes sent; allocated becomes failed. */
    private void mark(SkuStock stock, String orderId, String allocationId, boolean sent, int attempts, String error, Decisions d) {
        List<RequestLineState> states = new ArrayList<>();
        for (Part p : requestParts(stock.getSku(), orderId, allocationId)) {
            String status = p.part().getStatus();
            if (status.equals("allocated") || (sent && status.equals("failed"))) {
                p.part().setStatus(sent ? "sent" : "failed");
                states.add(state(p.line(), p.part()));
                book.putLine(p.line());
            }
        }
        if (!states.isEmpty()) {
            d.decided(orderId, sent ? new AllocationSent(allocationId, attempts, states)
                : new AllocationSendFailed(allocationId, attempts, error, states));
        }
    }

    /** A SKU and what was decided for it. */
    public record SkuDecisions(String sku, Decisions decisions) {}

    /**
     * Times out the requests due at {@code now} (at most {@code max} index entries): each releases its
     * quantity and re-routes it, yet stays confirmable (see {@link #confirm}) until its line's flow ends.
     */
    public List<SkuDecisions> expire(Instant now, int max) {
        List<SkuDecisions> decided = new ArrayList<>();
        for (RequestExpiry due : book.dueExpiries(now, max)) {
            book.removeExpiry(due);
            LineReservation line = book.line(due.sku(), due.orderId(), due.lineId()).orElse(null);
            LineAllocation part = line == null ? null : line.getAllocations().stream()
                .filter(p -> p.getAllocationId().equals(due.allocationId()) && isPending(p) && p.getExpiresAt() != null
                    && !p.getExpiresAt().isAfter(now)).findFirst().orElse(null);
            if (part == null) {
                continue; // answered, released or outdated before it was due
            }
            SkuStock stock = stockOf(due.sku());
            Decisions d = new Decisions();
            give(stock, line, part.getLocationId(), part.getQuantity(), d);
            part.setStatus("timed-out");
            decline(line, part.getLocationId());
            d.decided(line.getOrderId(), new AllocationTimedOut(part.getAllocationId(), List.of(state(line, part))));
            settle(stock, line, "re-route: request " + part.getAllocationId() + " at " + part.getLocationId() + " timed out", now, d);
            fill(stock, now, d);
            book.putStock(stock);
            decided.add(new SkuDecisions(due.sku(), d));
        }
        return decided;
    }

    /**
     * Pending or backordered requests of the line (other than {@code keep}) that make room for {@code need}
     * more units: the latest first, as the earlier request wins. Refuses when they cannot make enough room.
     */
    private List<LineAllocation> supersede(LineReservation line, int need, List<LineAllocation> keep, String what) {
        int room = line.getQuantity() - line.getAllocatedQuantity();
        List<LineAllocation> chosen = new ArrayList<>();
        if (need <= room) {
            return chosen;
        }
        List<LineAllocation> candidates = line.getAllocations().stream()
            .filter(p -> p.getConfirm() && (isPending(p) || p.getStatus().equals("backordered")))
            .filter(p -> keep.stream().noneMatch(k -> k == p))
            .sorted(java.util.Comparator.comparing(LineAllocation::getCreatedAt).reversed()).toList();
        for (LineAllocation p : candidates) {
            if (need <= room) {
                break;
            }
            chosen.add(p);
            room += p.getQuantity();
        }
        if (need > room) {
            throw new Refusal("line_fully_allocated", "line " + line.getLineId() + " of order " + line.getOrderId() + " has "
                + line.getAllocatedQuantity() + " of " + line.getQuantity() + " allocated elsewhere (final or direct); "
                + what + " needs " + need + " more");
        }
        return chosen;
    }

    private void requireAvailable(SkuStock stock, Map<String, Integer> needs, String what) {
        for (Map.Entry<String, Integer> n : needs.entrySet()) {
            if (tracksStock(n.getKey()) && available(stock, n.getKey()) < n.getValue()) {
                throw new Refusal("insufficient_stock", "only " + Math.max(0, available(stock, n.getKey())) + " of "
                    + stock.getSku() + " available at " + n.getKey() + "; " + n.getValue() + " needed " + what);
            }
        }
    }

    /** Outdates parts: a holding one gives its stock back; none can be confirmed any more. */
    private void outdate(SkuStock stock, LineReservation line, List<LineAllocation> parts, Decisions d) {
        for (LineAllocation part : parts) {
            if (holds(part)) {
                give(stock, line, part.getLocationId(), part.getQuantity(), d);
            }
            part.setStatus("outdated");
            d.decided(line.getOrderId(), new AllocationOutdated(part.getAllocationId(), List.of(state(line, part))));
        }
    }

    /**
     * After a request changed: when every unit of the line is final its timed-out requests become outdated;
     * else what is unallocated goes to the next locations of the channel's routing (skipping the ones
     * that declined the line), and waits as backorder demand when none is left.
     */
    private void settle(SkuStock stock, LineReservation line, String reason, Instant at, Decisions d) {
        endFlowIfSettled(stock, line, d);
        List<Site> routing = locations.routing(line.getChannel());
        int remaining = line.getQuantity() - line.getAllocatedQuantity();
        if (!line.getCancelled() && remaining > 0 && !routing.isEmpty()) {
            List<Site> open = routing.stream().filter(s -> !line.getDeclinedLocations().contains(s.id())).toList();
            for (Pick pick : AllocationPlanner.plan(remaining, AllocationPlanner.candidates(open, null), loc -> available(stock, loc))) {
                allocateAt(stock, line, pick.site(), pick.quantity(), requestId(stock, line, pick.site()), reason, at, d);
            }
            remaining = line.getQuantity() - line.getAllocatedQuantity();
            line.setWaiting(remaining > 0);
            if (remaining > 0) {
                d.decided(line.getOrderId(), new LineBackordered(line.getLineId(), line.getSku(), remaining, null, null, null, List.of()));
            }
        } else if (remaining <= 0) {
            line.setWaiting(false);
        }
        book.putLine(line);
    }

    /** When every unit of the line is final (or it is cancelled), its timed-out requests can no longer be confirmed. */
    private void endFlowIfSettled(SkuStock stock, LineReservation line, Decisions d) {
        int finalQuantity = line.getAllocations().stream().filter(SkuDesk::isFinal).mapToInt(LineAllocation::getQuantity).sum();
        if (finalQuantity >= line.getQuantity() || line.getCancelled()) {
            outdate(stock, line, line.getAllocations().stream().filter(SkuDesk::isShadow).toList(), d);
        }
    }

    /** The id of a re-routed request: the order's auto-allocation id at the site, unless taken by a request that is no longer pending. */
    private String requestId(SkuStock stock, LineReservation line, Site site) {
        String base = line.getAllocationBase() != null ? line.getAllocationBase() : "al-" + line.getOrderId();
        String id = base + "@" + site.id();
        boolean taken = line.getAllocations().stream().anyMatch(p -> p.getAllocationId().equals(id) && !isPending(p)
            && !(holds(p) && !p.getConfirm()));
        if (!taken) {
            return id;
        }
        long n = stock.getNextSequence();
        stock.setNextSequence(n + 1);
        return id + "~" + n;
    }

    private static void decline(LineReservation line, String locationId) {
        if (!line.getDeclinedLocations().contains(locationId)) {
            line.getDeclinedLocations().add(locationId);
        }
    }

    /** Takes {@code quantity} at a location for the line (no part is touched). */
    private void take(SkuStock stock, LineReservation line, String locationId, int quantity, Instant at, Decisions d) {
        LocationStock s = location(stock, locationId, at);
        s.setAllocated(s.getAllocated() + quantity);
        line.setAllocatedQuantity(line.getAllocatedQuantity() + quantity);
        d.stockChanged(locationId);
    }

    /** Gives {@code quantity} at a location back from the line (no part is touched). */
    private void give(SkuStock stock, LineReservation line, String locationId, int quantity, Decisions d) {
        LocationStock s = location(stock, locationId, Instant.EPOCH);
        s.setAllocated(s.getAllocated() - quantity);
        line.setAllocatedQuantity(line.getAllocatedQuantity() - quantity);
        d.stockChanged(locationId);
    }

    static RequestLineState state(LineReservation line, LineAllocation p) {
        return RequestLineState.newBuilder().setLineId(line.getLineId()).setSku(line.getSku()).setQuantity(p.getQuantity())
            .setStatus(p.getStatus()).setBackorderedQuantity(p.getBackorderedQuantity()).setRejectedQuantity(p.getRejectedQuantity())
            .setBackorderDate(p.getBackorderDate()).setLineAllocatedQuantity(line.getAllocatedQuantity()).build();
    }

    // ---------------------------------------------------------------- backorder fill

    /** Serves waiting lines, first come first served, from what is available now. */
    private void fill(SkuStock stock, Instant at, Decisions d) {
        if (totalAvailable(stock) <= 0) {
            return;
        }
        for (LineReservation line : book.waiting(stock.getSku(), FILL_BATCH)) {
            if (totalAvailable(stock) <= 0) {
                return;
            }
            int remaining = line.getQuantity() - line.getAllocatedQuantity();
            List<Site> routing = AllocationPlanner.candidates(locations.routing(line.getChannel()), null);
            List<Pick> picks = AllocationPlanner.plan(remaining, routing.stream().filter(Site::tracksStock)
                .filter(s -> !line.getDeclinedLocations().contains(s.id())).toList(), loc -> available(stock, loc));
            if (picks.isEmpty()) {
                continue;
            }
            for (Pick pick : picks) {
                String id = "al-" + stock.getSku() + "-" + stock.getNextSequence();
                stock.setNextSequence(stock.getNextSequence() + 1);
                allocateAt(stock, line, pick.site(), pick.quantity(), id, "backorder filled", at, d);
            }
            if (line.getAllocatedQuantity() >= line.getQuantity()) {
                line.setWaiting(false);
            } else {
                d.decided(line.getOrderId(), new LineBackordered(line.getLineId(), line.getSku(),
                    line.getQuantity() - line.getAllocatedQuantity(), null, null, null, List.of()));
            }
            book.putLine(line);
        }
    }

    // ---------------------------------------------------------------- the ledger moves

    private void allocateAt(SkuStock stock, LineReservation line, Site site, int quantity, String allocationId,
                            String reason, Instant at, Decisions d) {
        LocationStock s = location(stock, site.id(), at);
        s.setAllocated(s.getAllocated() + quantity);
        s.setUpdatedAt(at);
        line.setAllocatedQuantity(line.getAllocatedQuantity() + quantity);
        LineAllocation part = line.getAllocations().stream()
            .filter(p -> p.getAllocationId().equals(allocationId) && holds(p)).findFirst().orElse(null);
        Instant expiresAt = null;
        if (part == null) {
            boolean confirm = !site.direct();
            expiresAt = confirm && site.confirmTimeout() != null ? at.plus(site.confirmTimeout()) : null;
            line.getAllocations().add(LineAllocation.newBuilder().setAllocationId(allocationId).setLocationId(site.id())
                .setQuantity(quantity).setStatus("allocated").setCreatedAt(at).setCompletedAt(null).setConfirm(confirm)
                .setExpiresAt(expiresAt).build());
            if (expiresAt != null) {
                book.scheduleExpiry(new RequestExpiry(expiresAt, line.getSku(), line.getOrderId(), line.getLineId(), allocationId));
            }
        } else {
            part.setQuantity(part.getQuantity() + quantity);
            expiresAt = part.getExpiresAt();
        }
        d.stockChanged(site.id());
        d.decided(line.getOrderId(), AllocationRequested.newBuilder().setAllocationId(allocationId)
            .setLocationId(site.id()).setConfirmMode(site.direct() ? AllocationMode.DIRECT : AllocationMode.CONFIRM)
            .setLines(List.of(new AllocatedLine(line.getLineId(), line.getSku(), quantity))).setExpiresAt(expiresAt)
            .setReason(reason).build());
        endFlowIfSettled(stock, line, d);
    }

    private void release(SkuStock stock, LineReservation line, LineAllocation part, int quantity, String reason, Decisions d) {
        LocationStock s = location(stock, part.getLocationId(), Instant.EPOCH);
        s.setAllocated(s.getAllocated() - quantity);
        line.setAllocatedQuantity(line.getAllocatedQuantity() - quantity);
        part.setQuantity(part.getQuantity() - quantity);
        if (part.getQuantity() == 0) {
            removeElement(line.getAllocations(), part);
        }
        d.stockChanged(part.getLocationId());
        d.decided(line.getOrderId(), new AllocationCancelled(part.getAllocationId(),
            List.of(new AllocatedLine(line.getLineId(), line.getSku(), quantity)), reason));
    }

    private void complete(SkuStock stock, LineReservation line, LineAllocation part, Instant completedAt, Decisions d) {
        LocationStock s = location(stock, part.getLocationId(), completedAt);
        s.setAllocated(s.getAllocated() - part.getQuantity());
        s.setPhysical(s.getPhysical() - part.getQuantity());
        s.setUpdatedAt(completedAt);
        part.setStatus("completed");
        part.setCompletedAt(completedAt);
        d.stockChanged(part.getLocationId());
        d.decided(line.getOrderId(), new AllocationCompleted(part.getAllocationId(), completedAt,
            List.of(new AllocatedLine(line.getLineId(), line.getSku(), part.getQuantity()))));
    }

    /** Removes {@code element} itself; Avro's decoded arrays remove by index only. */
    static <T> void removeElement(List<T> list, T element) {
        for (int at = 0; at < list.size(); at++) {
            if (list.get(at) == element) {   // identity: Avro's equals fails on nullable timestamps
                list.remove(at);
                return;
            }
        }
    }

    // ---------------------------------------------------------------- reading

    private SkuStock stockOf(String sku) {
        return book.stock(sku).orElseGet(() -> new SkuStock(sku, new HashMap<>(), 1L));
    }

    private static LocationStock location(SkuStock stock, String locationId, Instant at) {
        return stock.getLocations().computeIfAbsent(locationId, id -> new LocationStock(0, 0, 0, at));
    }

    private boolean tracksStock(String locationId) {
        return locations.site(locationId).map(Site::tracksStock).orElse(true);
    }

    static int available(SkuStock stock, String locationId) {
        LocationStock s = stock.getLocations().get(locationId);
        return s == null ? 0 : s.getPhysical() - s.getAllocated();
    }

    private int totalAvailable(SkuStock stock) {
        int total = 0;
        for (Map.Entry<String, LocationStock> e : stock.getLocations().entrySet()) {
            if (tracksStock(e.getKey())) {
                total += Math.max(0, e.getValue().getPhysical() - e.getValue().getAllocated());
            }
        }
        return total;
    }
}
