package dev.allotment.streams.allocation;

import dev.allotment.events.AllocateLines;
import dev.allotment.events.ConfirmAllocationRequest;
import dev.allotment.events.DeleteAllocations;
import dev.allotment.events.MarkRequestSendFailed;
import dev.allotment.events.MarkRequestSent;
import dev.allotment.events.RejectAllocationRequest;
import dev.allotment.events.ReleaseOrder;
import dev.allotment.events.ReserveLine;
import dev.allotment.events.SupplierAnswer;
import dev.allotment.events.UpdateAllocation;
import dev.allotment.schemas.AvroTrust;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Every decision about one SKU, taken on the partition that owns the SKU's stock and its lines' reservations (single
 * writer: no locks, no oversell). Plain Java over a {@link SkuBook}: the topology runs it on state stores, the property
 * tests on maps. It hands each input to the flow that decides it, in a {@link Turn} of its own, and stores the SKU's
 * stock after: {@link StockCounts}, the {@link Router} (reserve, re-route, backorder fill), {@link ManualAllocation},
 * the {@link ConfirmFlow} and {@link SupplierAnswers}, all moving stock through one {@link Ledger}. A refused input
 * changes nothing.
 */
public final class SkuDesk {
    static {
        AvroTrust.trustEngineEvents();
    }

    private final SkuBook book;
    private final Ledger ledger;
    private final StockCounts counts;
    private final Router router;
    private final ManualAllocation manual;
    private final ConfirmFlow confirmFlow;
    private final SupplierAnswers answers;

    public SkuDesk(SkuBook book, Locations locations) {
        this.book = book;
        this.ledger = new Ledger(book, locations);
        this.counts = new StockCounts(ledger);
        this.router = new Router(book, locations, ledger);
        this.manual = new ManualAllocation(book, locations, ledger);
        this.confirmFlow = new ConfirmFlow(book, ledger, router);
        this.answers = new SupplierAnswers(book, ledger, router);
    }

    /** Applies a StockSet, StockAdjusted or IncomingSet, then serves waiting lines; refuses one that would leave physical below allocated. */
    public Decisions stock(String sku, Object change, Instant at) {
        Turn t = turn(sku, at);
        counts.apply(t, change);
        router.fill(t);
        book.putStock(t.stock());
        return t.decided();
    }

    /** Applies one command about this SKU's lines of {@code orderId}; throws {@link Refusal} and changes nothing when refused. */
    public Decisions command(String sku, String commandId, String orderId, Object payload, Instant at) {
        Turn t = turn(sku, at);
        if (payload instanceof ReserveLine reserve) {
            router.reserve(t, orderId, reserve);
        } else if (payload instanceof AllocateLines allocate) {
            manual.allocate(t, commandId, orderId, allocate);
        } else if (payload instanceof MarkRequestSent sent) {
            confirmFlow.mark(t, orderId, sent.getAllocationId(), true, sent.getAttempts(), null);
        } else if (payload instanceof MarkRequestSendFailed failed) {
            confirmFlow.mark(t, orderId, failed.getAllocationId(), false, failed.getAttempts(), failed.getError());
        } else {
            freeingCommand(t, orderId, payload);
            router.fill(t);   // what these released may serve waiting lines
        }
        book.putStock(t.stock());
        return t.decided();
    }

    /** The commands that may give stock back: changes, deletes, cancellations and suppliers' answers. */
    private void freeingCommand(Turn t, String orderId, Object payload) {
        if (payload instanceof UpdateAllocation update) {
            manual.update(t, orderId, update);
        } else if (payload instanceof DeleteAllocations) {
            manual.releaseAll(t, orderId, "allocations deleted", false);
        } else if (payload instanceof ReleaseOrder release) {
            manual.releaseAll(t, orderId, release.getReason() == null ? "order cancelled"
                : "order cancelled: " + release.getReason(), true);
        } else if (payload instanceof ConfirmAllocationRequest confirm) {
            confirmFlow.confirm(t, orderId, confirm.getAllocationId());
        } else if (payload instanceof RejectAllocationRequest reject) {
            confirmFlow.reject(t, orderId, reject.getAllocationId(), reject.getReason());
        } else if (payload instanceof SupplierAnswer answer) {
            answers.answer(t, orderId, answer);
        } else {
            throw new Refusal(RefusalCode.UNSUPPORTED, payload.getClass().getSimpleName() + " is not decided on a SKU's partition");
        }
    }

    /** A SKU and what was decided for it. */
    public record SkuDecisions(String sku, Decisions decisions) {}

    /**
     * Times out the requests due at {@code now} (at most {@code max} index entries): each releases its quantity and
     * re-routes it, yet stays confirmable until its line's flow ends (see {@link ConfirmFlow}).
     */
    public List<SkuDecisions> expire(Instant now, int max) {
        List<SkuDecisions> decided = new ArrayList<>();
        for (RequestExpiry due : book.dueExpiries(now, max)) {
            book.removeExpiry(due);
            Turn t = turn(due.sku(), now);
            if (confirmFlow.expire(t, due)) {
                router.fill(t);
                book.putStock(t.stock());
                decided.add(new SkuDecisions(due.sku(), t.decided()));
            }
        }
        return decided;
    }

    private Turn turn(String sku, Instant at) {
        return new Turn(ledger.stockOf(sku), new Decisions(), at);
    }
}
