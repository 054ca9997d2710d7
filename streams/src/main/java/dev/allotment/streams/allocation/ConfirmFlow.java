package dev.allotment.streams.allocation;

import dev.allotment.events.AllocatedLine;
import dev.allotment.events.AllocationConfirmed;
import dev.allotment.events.AllocationRejected;
import dev.allotment.events.AllocationSendFailed;
import dev.allotment.events.AllocationSent;
import dev.allotment.events.AllocationTimedOut;
import dev.allotment.events.LineAllocation;
import dev.allotment.events.LineReservation;
import dev.allotment.events.RequestLineState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * "Direct, then confirm" (DESIGN §3) for one allocation request's parts on this SKU's lines: the webhook sender's
 * reports (sent, failed), the supplier's confirmation or rejection, and the timeout. A rejected or timed-out request
 * hands its lines to the {@link Router}; a timed-out one may still be confirmed until its line's flow ends, taking its
 * stock back and outdating the requests that replaced it ({@link #supersede}).
 */
record ConfirmFlow(SkuBook book, Ledger ledger, Router router) {
    /** One line's part of an allocation request. */
    record Part(LineReservation line, LineAllocation part) {}

    /** The parts of request {@code allocationId} on this SKU's lines of the order; refuses unknown ids and direct allocations. */
    List<Part> requestParts(String sku, String orderId, String allocationId) {
        List<Part> parts = new ArrayList<>();
        for (LineReservation line : book.linesOfOrder(sku, orderId)) {
            LineAllocation chosen = null;
            for (LineAllocation p : line.getAllocations()) {
                if (p.getAllocationId().equals(allocationId) && (chosen == null || Parts.isCompleted(chosen))) {
                    chosen = p;
                }
            }
            if (chosen != null) {
                parts.add(new Part(line, chosen));
            }
        }
        if (parts.isEmpty()) {
            throw new Refusal(RefusalCode.UNKNOWN_ALLOCATION, "order " + orderId + " has no allocation request " + allocationId
                + " of " + sku);
        }
        if (parts.stream().anyMatch(p -> !p.part().getConfirm())) {
            throw new Refusal(RefusalCode.NOT_A_REQUEST, "allocation " + allocationId
                + " is at a direct location: it is final and needs no confirmation");
        }
        return parts;
    }

    /** The supplier confirms every line of the request; a timed-out request first takes its stock back. */
    void confirm(Turn t, String orderId, String allocationId) {
        List<Part> parts = requestParts(t.sku(), orderId, allocationId);
        for (Part p : parts) {
            PartStatus status = Parts.status(p.part());
            if (status == PartStatus.REJECTED || status == PartStatus.OUTDATED) {
                throw new Refusal(status == PartStatus.REJECTED ? RefusalCode.REQUEST_REJECTED : RefusalCode.REQUEST_OUTDATED,
                    "allocation request " + allocationId + " is " + status.wire() + " and can no longer be confirmed");
            }
        }
        // a timed-out request takes its quantity back: plan what it supersedes and check stock before changing anything
        Map<Part, List<LineAllocation>> superseded = new LinkedHashMap<>();
        Map<String, Long> reacquired = new HashMap<>();   // in long: several lines of one SKU may add up past the int range
        for (Part p : parts) {
            if (Parts.isShadow(p.part())) {
                superseded.put(p, supersede(p.line(), p.part().getQuantity(), List.of(p.part()), allocationId));
                reacquired.merge(p.part().getLocationId(), (long) p.part().getQuantity(), Long::sum);
            }
        }
        ledger.requireAvailable(t, reacquired, "to confirm the timed-out request " + allocationId);
        for (Part p : parts) {
            LineAllocation part = p.part();
            if (Parts.isShadow(part)) {
                ledger.outdate(t, p.line(), superseded.get(p));
                ledger.take(t, p.line(), part.getLocationId(), part.getQuantity());
            } else if (!Parts.isAnswerable(part)) {
                continue; // confirmed or completed already: a repeated confirmation changes nothing
            }
            Parts.setStatus(part, PartStatus.CONFIRMED);
            part.setBackorderedQuantity(0);
            part.setBackorderDate(null);
            t.decided().decided(orderId, new AllocationConfirmed(allocationId, List.of(Ledger.state(p.line(), part))));
            router.settle(t, p.line(), "re-route after request " + allocationId + " was confirmed");
        }
    }

    /**
     * The supplier rejects the request: what is open of it (all of it, or a backorder's backordered units) is released
     * and its lines go to the next locations.
     */
    void reject(Turn t, String orderId, String allocationId, String reason) {
        List<Part> parts = requestParts(t.sku(), orderId, allocationId);
        for (Part p : parts) {
            if (Parts.isFinal(p.part())) {
                throw new Refusal(RefusalCode.REQUEST_CONFIRMED, "allocation request " + allocationId + " is "
                    + p.part().getStatus() + " and can no longer be rejected");
            }
            if (Parts.status(p.part()) == PartStatus.OUTDATED) {   // as for a confirmation: no longer the supplier's to answer
                throw new Refusal(RefusalCode.REQUEST_OUTDATED, "allocation request " + allocationId + " is "
                    + PartStatus.OUTDATED.wire() + " and can no longer be rejected");
            }
        }
        String why = DecisionEvents.rejectionReason(reason);
        for (Part p : parts) {
            LineAllocation part = p.part();
            if (!Parts.isAnswerable(part)) {
                continue; // rejected already: a repeated rejection changes nothing
            }
            // a backorder's accepted units were confirmed by the supplier's answer: a rejection settles the backordered ones
            int open = Parts.openQuantity(part);
            int kept = Parts.holds(part) ? part.getQuantity() - open : 0;
            List<AllocatedLine> released = new ArrayList<>();
            if (Parts.holds(part)) {
                ledger.give(t, p.line(), part.getLocationId(), open);
                released.add(new AllocatedLine(p.line().getLineId(), p.line().getSku(), open));
            }
            part.setRejectedQuantity(part.getRejectedQuantity() + open);
            if (kept > 0) {
                part.setQuantity(kept);
                part.setBackorderedQuantity(0);
                part.setBackorderDate(null);
                Parts.setStatus(part, PartStatus.CONFIRMED);
            } else {
                Parts.setStatus(part, PartStatus.REJECTED);
            }
            decline(p.line(), part.getLocationId());
            t.decided().decided(orderId, new AllocationRejected(allocationId, released, why, List.of(Ledger.state(p.line(), part))));
            router.settle(t, p.line(), "re-route: " + part.getLocationId() + " rejected request " + allocationId);
        }
    }

    /** The webhook sender's report: allocated (or failed) becomes sent; allocated becomes failed. */
    void mark(Turn t, String orderId, String allocationId, boolean sent, int attempts, String error) {
        List<RequestLineState> states = new ArrayList<>();
        for (Part p : requestParts(t.sku(), orderId, allocationId)) {
            PartStatus status = Parts.status(p.part());
            if (status == PartStatus.ALLOCATED || (sent && status == PartStatus.FAILED)) {
                Parts.setStatus(p.part(), sent ? PartStatus.SENT : PartStatus.FAILED);
                states.add(Ledger.state(p.line(), p.part()));
                book.putLine(p.line());
            }
        }
        if (!states.isEmpty()) {
            t.decided().decided(orderId, sent ? new AllocationSent(allocationId, attempts, states)
                : new AllocationSendFailed(allocationId, attempts, error, states));
        }
    }

    /**
     * Times out the request part {@code due} names, if it is still pending and due at {@code now}: its quantity is
     * released and re-routed, yet it stays confirmable (see {@link #confirm}) until its line's flow ends. Whether it did.
     */
    boolean expire(Turn t, RequestExpiry due) {
        LineReservation line = book.line(due.sku(), due.orderId(), due.lineId()).orElse(null);
        LineAllocation part = line == null ? null : line.getAllocations().stream()
            .filter(p -> p.getAllocationId().equals(due.allocationId()) && Parts.isPending(p) && p.getExpiresAt() != null
                && !p.getExpiresAt().isAfter(t.at())).findFirst().orElse(null);
        if (part == null) {
            return false; // answered, released or outdated before it was due
        }
        ledger.give(t, line, part.getLocationId(), part.getQuantity());
        Parts.setStatus(part, PartStatus.TIMED_OUT);
        decline(line, part.getLocationId());
        t.decided().decided(line.getOrderId(), new AllocationTimedOut(part.getAllocationId(), List.of(Ledger.state(line, part))));
        router.settle(t, line, "re-route: request " + part.getAllocationId() + " at " + part.getLocationId() + " timed out");
        return true;
    }

    /**
     * Pending or backordered requests of the line (other than {@code keep}) that make room for {@code need}
     * more units: the latest first, as the earlier request wins. Refuses when they cannot make enough room.
     */
    static List<LineAllocation> supersede(LineReservation line, int need, List<LineAllocation> keep, String what) {
        int room = line.getQuantity() - line.getAllocatedQuantity();
        List<LineAllocation> chosen = new ArrayList<>();
        if (need <= room) {
            return chosen;
        }
        List<LineAllocation> candidates = line.getAllocations().stream()
            .filter(p -> p.getConfirm() && (Parts.isPending(p) || Parts.status(p) == PartStatus.BACKORDERED))
            .filter(p -> keep.stream().noneMatch(k -> k == p))
            .sorted(Comparator.comparing(LineAllocation::getCreatedAt).reversed()).toList();
        for (LineAllocation p : candidates) {
            if (need <= room) {
                break;
            }
            chosen.add(p);
            room += p.getQuantity();
        }
        if (need > room) {
            throw new Refusal(RefusalCode.LINE_FULLY_ALLOCATED, "line " + line.getLineId() + " of order " + line.getOrderId()
                + " has " + line.getAllocatedQuantity() + " of " + line.getQuantity() + " allocated elsewhere (final or direct); "
                + what + " needs " + need + " more");
        }
        return chosen;
    }

    /** The location will not be asked for the line again. */
    static void decline(LineReservation line, String locationId) {
        if (!line.getDeclinedLocations().contains(locationId)) {
            line.getDeclinedLocations().add(locationId);
        }
    }
}
