package dev.allotment.streams.allocation;

import dev.allotment.events.AllocatedLine;
import dev.allotment.events.AllocationCancelled;
import dev.allotment.events.AllocationCompleted;
import dev.allotment.events.AllocationMode;
import dev.allotment.events.AllocationOutdated;
import dev.allotment.events.AllocationRequested;
import dev.allotment.events.LineAllocation;
import dev.allotment.events.LineReservation;
import dev.allotment.events.LocationStock;
import dev.allotment.events.RequestLineState;
import dev.allotment.events.SkuStock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The moves every flow makes on one SKU's books (DESIGN §4, invariants 1–3): stock taken at a location for a line and
 * given back, parts allocated, released, completed and outdated. A move changes the location's allocated, the line's
 * allocated quantity and its parts together, and logs what it did; callers check availability first.
 */
record Ledger(SkuBook book, Locations locations) {
    /** The SKU's stock as held, or none anywhere yet. */
    SkuStock stockOf(String sku) {
        return book.stock(sku).orElseGet(() -> new SkuStock(sku, new HashMap<>(), 1L, null));
    }

    /** Takes {@code quantity} at a location for the line (no part is touched). */
    void take(Turn t, LineReservation line, String locationId, int quantity) {
        LocationStock s = location(t.stock(), locationId, t.at());
        s.setAllocated(s.getAllocated() + quantity);
        line.setAllocatedQuantity(line.getAllocatedQuantity() + quantity);
        t.decided().stockChanged(locationId);
    }

    /** Gives {@code quantity} at a location back from the line (no part is touched). */
    void give(Turn t, LineReservation line, String locationId, int quantity) {
        LocationStock s = location(t.stock(), locationId, Instant.EPOCH);
        s.setAllocated(s.getAllocated() - quantity);
        line.setAllocatedQuantity(line.getAllocatedQuantity() - quantity);
        t.decided().stockChanged(locationId);
    }

    /**
     * Allocates {@code quantity} of the line at {@code site} under {@code allocationId}: added to the part of that id
     * that still holds stock, else a new part (a request with its expiry at a confirm location).
     */
    void allocateAt(Turn t, LineReservation line, Site site, int quantity, String allocationId, String reason) {
        LocationStock s = location(t.stock(), site.id(), t.at());
        s.setAllocated(s.getAllocated() + quantity);
        s.setUpdatedAt(t.at());
        line.setAllocatedQuantity(line.getAllocatedQuantity() + quantity);
        LineAllocation part = line.getAllocations().stream()
            .filter(p -> p.getAllocationId().equals(allocationId) && Parts.holds(p)).findFirst().orElse(null);
        Instant expiresAt;
        if (part == null) {
            boolean confirm = !site.direct();
            expiresAt = confirm && site.confirmTimeout() != null ? t.at().plus(site.confirmTimeout()) : null;
            line.getAllocations().add(LineAllocation.newBuilder().setAllocationId(allocationId).setLocationId(site.id())
                .setQuantity(quantity).setStatus(PartStatus.ALLOCATED.wire()).setCreatedAt(t.at()).setCompletedAt(null)
                .setConfirm(confirm).setExpiresAt(expiresAt).build());
            if (expiresAt != null) {
                book.scheduleExpiry(new RequestExpiry(expiresAt, line.getSku(), line.getOrderId(), line.getLineId(), allocationId));
            }
        } else {
            part.setQuantity(part.getQuantity() + quantity);
            expiresAt = part.getExpiresAt();
        }
        t.decided().stockChanged(site.id());
        t.decided().decided(line.getOrderId(), AllocationRequested.newBuilder().setAllocationId(allocationId)
            .setLocationId(site.id()).setConfirmMode(site.direct() ? AllocationMode.DIRECT : AllocationMode.CONFIRM)
            .setLines(List.of(new AllocatedLine(line.getLineId(), line.getSku(), quantity))).setExpiresAt(expiresAt)
            .setReason(reason).build());
        endFlowIfSettled(t, line);
    }

    /** Releases {@code quantity} of a holding part; a part left empty is removed. */
    void release(Turn t, LineReservation line, LineAllocation part, int quantity, String reason) {
        give(t, line, part.getLocationId(), quantity);
        part.setQuantity(part.getQuantity() - quantity);
        // a backorder gives way from its backordered units first, and never keeps more of them than it holds: what a
        // supplier's answer then settles (Parts.openQuantity) is what the part still holds (OrderFold does the same)
        part.setBackorderedQuantity(Parts.backorderedAfterRelease(part.getBackorderedQuantity(), quantity));
        if (part.getQuantity() == 0) {
            AvroLists.removeIdentical(line.getAllocations(), part);
        }
        t.decided().decided(line.getOrderId(), new AllocationCancelled(part.getAllocationId(),
            List.of(new AllocatedLine(line.getLineId(), line.getSku(), quantity)), reason));
    }

    /**
     * Completes a holding part: it leaves the location, so allocated drops by its quantity, and so does physical where
     * the location tracks stock. An untracked location's physical quantity is not the engine's to know (a supplier ships
     * from stock it does not share): it stays as last counted, so a location that starts tracking starts from its count,
     * not from minus what it shipped untracked.
     */
    void complete(Turn t, LineReservation line, LineAllocation part, Instant completedAt) {
        LocationStock s = location(t.stock(), part.getLocationId(), completedAt);
        s.setAllocated(s.getAllocated() - part.getQuantity());
        if (tracksStock(part.getLocationId())) {
            s.setPhysical(s.getPhysical() - part.getQuantity());
        }
        s.setUpdatedAt(completedAt);
        Parts.setStatus(part, PartStatus.COMPLETED);
        part.setCompletedAt(completedAt);
        t.decided().stockChanged(part.getLocationId());
        t.decided().decided(line.getOrderId(), new AllocationCompleted(part.getAllocationId(), completedAt,
            List.of(new AllocatedLine(line.getLineId(), line.getSku(), part.getQuantity()))));
    }

    /** Outdates parts: a holding one gives its stock back; none can be confirmed any more. */
    void outdate(Turn t, LineReservation line, List<LineAllocation> parts) {
        for (LineAllocation part : parts) {
            if (Parts.holds(part)) {
                give(t, line, part.getLocationId(), part.getQuantity());
            }
            Parts.setStatus(part, PartStatus.OUTDATED);
            t.decided().decided(line.getOrderId(), new AllocationOutdated(part.getAllocationId(), List.of(state(line, part))));
        }
    }

    /** When every unit of the line is final (or it is cancelled), its timed-out requests can no longer be confirmed. */
    void endFlowIfSettled(Turn t, LineReservation line) {
        long finalQuantity = line.getAllocations().stream().filter(Parts::isFinal).mapToLong(LineAllocation::getQuantity).sum();
        if (finalQuantity >= line.getQuantity() || line.getCancelled()) {
            outdate(t, line, line.getAllocations().stream().filter(Parts::isShadow).toList());
        }
    }

    /** Refuses unless every location of {@code needs} that tracks stock has that much available. */
    void requireAvailable(Turn t, Map<String, Long> needs, String what) {
        for (Map.Entry<String, Long> n : needs.entrySet()) {
            if (tracksStock(n.getKey()) && available(t.stock(), n.getKey()) < n.getValue()) {
                throw new Refusal(RefusalCode.INSUFFICIENT_STOCK, "only " + Math.max(0, available(t.stock(), n.getKey()))
                    + " of " + t.sku() + " available at " + n.getKey() + "; " + n.getValue() + " needed " + what);
            }
        }
    }

    /** Whether the location shares its stock (an unknown one is taken to). */
    boolean tracksStock(String locationId) {
        return locations.site(locationId).map(Site::tracksStock).orElse(true);
    }

    static int available(SkuStock stock, String locationId) {
        LocationStock s = stock.getLocations().get(locationId);
        return s == null ? 0 : s.getPhysical() - s.getAllocated() - s.getHeld();
    }

    /** What is available at every location that tracks stock (in long: locations of up to Limits.MAX_QUANTITY each add up past the int range). */
    long totalAvailable(SkuStock stock) {
        long total = 0;
        for (Map.Entry<String, LocationStock> e : stock.getLocations().entrySet()) {
            if (tracksStock(e.getKey())) {
                total += Math.max(0, e.getValue().getPhysical() - e.getValue().getAllocated() - e.getValue().getHeld());
            }
        }
        return total;
    }

    static LocationStock location(SkuStock stock, String locationId, Instant at) {
        return stock.getLocations().computeIfAbsent(locationId, id -> new LocationStock(0, 0, 0, at, 0, null));
    }

    /** A request part's state as the decision log carries it. */
    static RequestLineState state(LineReservation line, LineAllocation p) {
        return RequestLineState.newBuilder().setLineId(line.getLineId()).setSku(line.getSku()).setQuantity(p.getQuantity())
            .setStatus(p.getStatus()).setBackorderedQuantity(p.getBackorderedQuantity()).setRejectedQuantity(p.getRejectedQuantity())
            .setBackorderDate(p.getBackorderDate()).setLineAllocatedQuantity(line.getAllocatedQuantity())
            .setSupplierPoNumber(p.getSupplierPoNumber()).setSupplierInvoiceNumber(p.getSupplierInvoiceNumber())
            .setSupplierSkuCost(p.getSupplierSkuCost()).build();
    }
}
