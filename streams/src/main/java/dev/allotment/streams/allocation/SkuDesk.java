package dev.allotment.streams.allocation;

import dev.allotment.events.AllocateLines;
import dev.allotment.events.AllocatedLine;
import dev.allotment.events.AllocationCancelled;
import dev.allotment.events.AllocationCompleted;
import dev.allotment.events.AllocationMode;
import dev.allotment.events.AllocationRequested;
import dev.allotment.events.DeleteAllocations;
import dev.allotment.events.IncomingSet;
import dev.allotment.events.LineAllocation;
import dev.allotment.events.LineBackordered;
import dev.allotment.events.LineQuantity;
import dev.allotment.events.LineReservation;
import dev.allotment.events.LocationStock;
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
            .setAllocations(new ArrayList<>()).build();
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
                d.decided(orderId, new LineBackordered(line.getLineId(), line.getSku(), remaining, null, null));
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
                    if (part.getAllocationId().equals(u.getAllocationId()) && part.getStatus().equals("allocated")) {
                        complete(stock, line, part, u.getCompletedAt(), d);
                    }
                }
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
                    if (p.getAllocationId().equals(u.getAllocationId()) && part == null) {
                        line = l;
                        part = p;
                    }
                }
            }
            if (part == null) {
                throw new Refusal("unknown_line", "allocation " + u.getAllocationId() + " has no item " + wanted.getSku()
                    + (wanted.getLineId() == null ? "" : " on line " + wanted.getLineId()));
            }
            if (!part.getStatus().equals("allocated")) {
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
                    .orElse(new Site(c.part().getLocationId(), true, true));
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
                if (part.getStatus().equals("allocated")) {
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
            List<Pick> picks = AllocationPlanner.plan(remaining, routing.stream().filter(Site::tracksStock).toList(),
                loc -> available(stock, loc));
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
                    line.getQuantity() - line.getAllocatedQuantity(), null, null));
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
            .filter(p -> p.getAllocationId().equals(allocationId) && p.getStatus().equals("allocated")).findFirst().orElse(null);
        if (part == null) {
            line.getAllocations().add(new LineAllocation(allocationId, site.id(), quantity, "allocated", at, null));
        } else {
            part.setQuantity(part.getQuantity() + quantity);
        }
        d.stockChanged(site.id());
        d.decided(line.getOrderId(), AllocationRequested.newBuilder().setAllocationId(allocationId)
            .setLocationId(site.id()).setConfirmMode(site.direct() ? AllocationMode.DIRECT : AllocationMode.CONFIRM)
            .setLines(List.of(new AllocatedLine(line.getLineId(), line.getSku(), quantity))).setReason(reason).build());
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
