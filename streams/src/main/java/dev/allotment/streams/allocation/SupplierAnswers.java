package dev.allotment.streams.allocation;

import dev.allotment.events.AllocatedLine;
import dev.allotment.events.AllocationConfirmed;
import dev.allotment.events.AllocationRejected;
import dev.allotment.events.LineAllocation;
import dev.allotment.events.LineAnswer;
import dev.allotment.events.LineBackordered;
import dev.allotment.events.LineReservation;
import dev.allotment.events.SupplierAnswer;
import dev.allotment.streams.order.Limits;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A supplier's answer per line (Crux's PUT, DESIGN §3): accepted units are confirmed, backordered ones are held at the
 * supplier with their date, rejected ones are released and re-routed. Planned for every line first (which request
 * parts each quantity settles, what a timed-out request takes back and supersedes), checked as a whole, then applied.
 * What the supplier says of a line beside its quantities (PO and invoice numbers, SKU cost) is kept on every part the
 * answer settles, so the decision log and the order's projection carry it.
 */
record SupplierAnswers(SkuBook book, Ledger ledger, Router router) {
    /** How one answer settles one request part. */
    private record Split(LineAllocation part, int accepted, int backordered, int rejected) {}

    /** What the supplier says of one line beside its quantities; a null keeps what an earlier answer said. */
    record Documents(String poNumber, String invoiceNumber, String skuCost) {
        /** The line's own, else the answer's (a producer may give the numbers once for the whole answer). */
        static Documents of(SupplierAnswer a, LineAnswer ans) {
            return new Documents(ans.getSupplierPoNumber() != null ? ans.getSupplierPoNumber() : a.getSupplierPoNumber(),
                ans.getSupplierInvoiceNumber() != null ? ans.getSupplierInvoiceNumber() : a.getSupplierInvoiceNumber(),
                ans.getSupplierSkuCost());
        }

        /** Refuses what the edge would have refused ({@link Limits}): the record came straight from Kafka. */
        void check(String lineId) {
            Limits.textProblem(poNumber).ifPresent(p -> invalid(lineId, "supplier_po_number", p));
            Limits.textProblem(invoiceNumber).ifPresent(p -> invalid(lineId, "supplier_invoice_number", p));
            Limits.decimalProblem(skuCost).ifPresent(p -> invalid(lineId, "supplier_sku_cost", p));
        }

        private static void invalid(String lineId, String field, String problem) {
            throw new Refusal(RefusalCode.INVALID_FIELD, "line " + lineId + ": " + field + " " + problem);
        }

        void keepOn(LineAllocation part) {
            if (poNumber != null) {
                part.setSupplierPoNumber(poNumber);
            }
            if (invoiceNumber != null) {
                part.setSupplierInvoiceNumber(invoiceNumber);
            }
            if (skuCost != null) {
                part.setSupplierSkuCost(skuCost);
            }
        }
    }

    /** One line's answer, planned: its splits, and the requests it supersedes to take a timed-out request's stock back. */
    private record Plan(LineReservation line, LineAnswer answer, Documents documents, List<Split> splits,
                        List<LineAllocation> superseded) {}

    void answer(Turn t, String orderId, SupplierAnswer a) {
        List<Plan> plans = new ArrayList<>();
        Map<String, Long> reacquired = new HashMap<>();   // in long: several lines of one SKU may add up past the int range
        for (LineAnswer ans : a.getLines()) {
            plan(t.sku(), orderId, a, ans, reacquired).ifPresent(plans::add);
        }
        ledger.requireAvailable(t, reacquired, "for the supplier's answer");
        for (Plan plan : plans) {
            apply(t, orderId, plan);
        }
    }

    /** The plan of one line's answer (none for a cancelled order's line); adds what it takes back to {@code reacquired}. */
    private Optional<Plan> plan(String sku, String orderId, SupplierAnswer a, LineAnswer ans, Map<String, Long> reacquired) {
        LineReservation line = book.line(sku, orderId, ans.getLineId()).orElseThrow(() ->
            new Refusal(RefusalCode.UNKNOWN_LINE, "order " + orderId + " has no line " + ans.getLineId() + " of " + sku));
        if (line.getCancelled()) {
            return Optional.empty(); // the order was cancelled: nothing is left to answer
        }
        if (ans.getAccepted() < 0 || ans.getRejected() < 0 || ans.getBackordered() < 0) {
            throw new Refusal(RefusalCode.INVALID_QUANTITY, "line " + ans.getLineId() + ": quantities must not be negative");
        }
        Documents documents = Documents.of(a, ans);
        documents.check(ans.getLineId());
        List<LineAllocation> parts = line.getAllocations().stream().filter(Parts::isAnswerable)
            .filter(p -> a.getLocationId() == null || a.getLocationId().equals(p.getLocationId()))
            .filter(p -> a.getAllocationId() == null || a.getAllocationId().equals(p.getAllocationId()))
            .sorted(Comparator.comparing(LineAllocation::getCreatedAt)).toList();
        if (parts.isEmpty()) {
            throw new Refusal(RefusalCode.NOT_ACTIONABLE, "line " + ans.getLineId() + " has no open allocation request"
                + (a.getLocationId() == null ? "" : " at " + a.getLocationId()) + " (already answered, outdated or never requested)");
        }
        long requested = parts.stream().mapToLong(Parts::openQuantity).sum();
        SupplierAnswerRule.quantityMismatch(ans.getLineId(), "accepted", ans.getAccepted(), ans.getRejected(), ans.getBackordered(), requested)
            .ifPresent(reason -> {
                throw new Refusal(RefusalCode.QUANTITY_MISMATCH, reason);
            });
        List<Split> splits = new ArrayList<>();
        int accept = ans.getAccepted();
        int backorder = ans.getBackordered();
        int taken = 0;
        for (LineAllocation part : parts) {
            int open = Parts.openQuantity(part);
            int acc = Math.min(accept, open);
            int bo = Math.min(backorder, open - acc);
            accept -= acc;
            backorder -= bo;
            splits.add(new Split(part, acc, bo, open - acc - bo));
            if (Parts.isShadow(part) && acc + bo > 0) {
                taken += acc + bo;
                reacquired.merge(part.getLocationId(), (long) acc + bo, Long::sum);
            }
        }
        int freed = splits.stream().filter(s -> Parts.holds(s.part())).mapToInt(Split::rejected).sum();
        return Optional.of(new Plan(line, ans, documents, splits, ConfirmFlow.supersede(line, taken - freed, parts, "the answer")));
    }

    private void apply(Turn t, String orderId, Plan plan) {
        LineReservation line = plan.line();
        ledger.outdate(t, line, plan.superseded());
        for (Split s : plan.splits()) {
            plan.documents().keepOn(s.part());
            applySplit(t, orderId, line, s, plan.answer().getBackorderDate());
        }
        router.settle(t, line, "re-route: the supplier rejected part of line " + line.getLineId());
    }

    private void applySplit(Turn t, String orderId, LineReservation line, Split s, String backorderDate) {
        LineAllocation part = s.part();
        String id = part.getAllocationId();
        List<AllocatedLine> released = new ArrayList<>();
        if (Parts.holds(part)) {
            if (s.rejected() > 0) {
                ledger.give(t, line, part.getLocationId(), s.rejected());
                released.add(new AllocatedLine(line.getLineId(), line.getSku(), s.rejected()));
            }
        } else if (s.accepted() + s.backordered() > 0) {
            ledger.take(t, line, part.getLocationId(), s.accepted() + s.backordered());
        }
        part.setRejectedQuantity(part.getRejectedQuantity() + s.rejected());
        int kept = (Parts.holds(part) ? part.getQuantity() - Parts.openQuantity(part) : 0) + s.accepted() + s.backordered();
        if (kept > 0) {
            part.setQuantity(kept);
            part.setBackorderedQuantity(s.backordered());
            Parts.setStatus(part, s.backordered() > 0 ? PartStatus.BACKORDERED : PartStatus.CONFIRMED);
            part.setBackorderDate(s.backordered() > 0 ? backorderDate : null);
        } else {
            Parts.setStatus(part, PartStatus.REJECTED);
        }
        if (s.rejected() > 0) {
            ConfirmFlow.decline(line, part.getLocationId());
            t.decided().decided(orderId, new AllocationRejected(id, released, "rejected by the supplier",
                List.of(Ledger.state(line, part))));
        }
        if (s.accepted() > 0) {
            t.decided().decided(orderId, new AllocationConfirmed(id, List.of(Ledger.state(line, part))));
        }
        if (s.backordered() > 0) {
            t.decided().decided(orderId, LineBackordered.newBuilder().setLineId(line.getLineId()).setSku(line.getSku())
                .setQuantity(s.backordered()).setLocationId(part.getLocationId()).setBackorderDate(part.getBackorderDate())
                .setAllocationId(id).setStates(List.of(Ledger.state(line, part))).build());
        }
    }
}
