package dev.allotment.streams.allocation;

import dev.allotment.events.AllocateLines;
import dev.allotment.events.CancelLine;
import dev.allotment.events.ChangeLineQuantity;
import dev.allotment.events.ConfirmAllocationRequest;
import dev.allotment.events.DeleteAllocations;
import dev.allotment.events.LineReservation;
import dev.allotment.events.HoldPlaced;
import dev.allotment.events.HoldReleased;
import dev.allotment.events.LocationStock;
import dev.allotment.events.MarkRequestSendFailed;
import dev.allotment.events.MarkRequestSent;
import dev.allotment.events.RejectAllocationRequest;
import dev.allotment.events.ReleaseOrder;
import dev.allotment.events.ReserveLine;
import dev.allotment.events.SkuStock;
import dev.allotment.events.SupplierAnswer;
import dev.allotment.events.UpdateAllocation;
import dev.allotment.schemas.AvroTrust;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every decision about one SKU, taken on the partition that owns the SKU's stock and its lines' reservations (single
 * writer: no locks, no oversell). Plain Java over a {@link SkuBook}: the topology runs it on state stores, the property
 * tests on maps. It hands each input to the flow that decides it, in a {@link Turn} of its own, and stores the SKU's
 * stock after: {@link StockCounts}, the {@link Router} (reserve, re-route, backorder fill), {@link ManualAllocation},
 * the {@link ConfirmFlow} and {@link SupplierAnswers}, all moving stock through one {@link Ledger}. A refused input
 * changes nothing. A hot SKU split into shards ({@link ShardPlan}) has a desk per shard, each deciding its own lines
 * and stock; {@link ShardTransfers} moves units between them at the end of every turn, by messages the turn's
 * {@link Decisions} carry ({@link #shardMessage}, {@link #rebalance}).
 */
public final class SkuDesk {
    static {
        AvroTrust.trustEngineEvents();
    }

    private final SkuBook book;
    private final Locations locations;
    private final Ledger ledger;
    private final StockCounts counts;
    private final Router router;
    private final ManualAllocation manual;
    private final ConfirmFlow confirmFlow;
    private final SupplierAnswers answers;
    private final LineEdits edits;
    private final CartHolds holds;
    private final Promises promises;
    private final ShardPlan plan;
    private final ShardTransfers transfers;
    /**
     * False for a dry run: a line it re-dated would be held with the lines the command changes, and stock it moved
     * between shards would be moved for a command that may never apply.
     */
    private final boolean live;

    public SkuDesk(SkuBook book, Locations locations) {
        this(book, locations, ShardPlan.UNSHARDED);
    }

    public SkuDesk(SkuBook book, Locations locations, ShardPlan plan) {
        this(book, locations, plan, true);
    }

    private SkuDesk(SkuBook book, Locations locations, ShardPlan plan, boolean live) {
        this.live = live;
        this.book = book;
        this.locations = locations;
        this.plan = plan;
        this.ledger = new Ledger(book, locations);
        this.holds = new CartHolds(book, ledger, locations);
        this.router = new Router(book, locations, ledger, holds);
        Shortfall shortfall = new Shortfall(book, ledger, router, holds);
        this.counts = new StockCounts(shortfall);
        this.transfers = new ShardTransfers(book, ledger, router, shortfall, plan);
        this.manual = new ManualAllocation(book, locations, ledger);
        this.confirmFlow = new ConfirmFlow(book, ledger, router);
        this.answers = new SupplierAnswers(book, ledger, router);
        this.edits = new LineEdits(book, ledger, router, manual);
        this.promises = new Promises(book, router);
    }

    /**
     * Applies a StockSet, StockAdjusted or IncomingSet, or places or releases a cart hold ({@link CartHolds}), then
     * serves waiting lines; a count below what is allocated and held takes holds, then allocations back by the
     * {@link Shortfall} rule. At home of a sharded SKU a count sets the total of all its shards ({@link
     * ShardTransfers#countAtHome}).
     */
    public Decisions stock(String sku, Object change, Instant at) {
        checkKey(sku);
        Turn t = turn(sku, at);
        Map<String, Integer> before = transfers.physicals(t);
        if (change instanceof HoldPlaced placed) {
            holds.place(t, placed);
        } else if (change instanceof HoldReleased released) {
            holds.release(t, released.getHoldId());
        } else {
            counts.apply(t, transfers.countAtHome(t, change));
        }
        router.fill(t);
        promises.refresh(t);   // batches set, arrived or slipped: every waiting line's date may move
        settleShards(t, before, false, false);
        book.putStock(t.stock());
        return t.decided();
    }

    /**
     * Applies one command about this SKU's lines of {@code orderId}; throws {@link Refusal} and changes nothing when refused.
     * A client's command that would change a line a prepared part holds is refused {@link RefusalCode#IN_PROGRESS}.
     */
    public Decisions command(String sku, String commandId, String orderId, Object payload, Instant at) {
        if (!isClientCommand(payload) || !book.anyHeld(sku)) {
            return decide(sku, commandId, orderId, payload, at);
        }
        SkuBook.Draft draft = book.draft();
        Decisions decided = new SkuDesk(draft, locations, plan).decide(sku, commandId, orderId, payload, at);
        refuseHeld(draft.writtenLines());
        draft.apply();
        return decided;
    }

    /** One part of a client's command over several SKUs (or several parts on one SKU): its id, order and payload. */
    public record Part(String partId, String orderId, Object payload) {}

    /**
     * Prepares the parts of one command that are on this SKU (issue 15, defect 9): decides them, in order, on a draft of
     * the book, which is dropped, and, when all would apply, holds the lines they would change (and every other line of
     * their orders on this SKU) and sets aside (as allocated) the stock they would take, so that {@link #commit} finds
     * both as they were. Throws {@link Refusal} and
     * holds nothing when one would be refused. A part that joins parts prepared before is prepared with them, after
     * {@link #release} of what they held.
     */
    public Prepared prepare(String sku, List<Part> parts, Instant at) {
        SkuBook.Draft draft = book.draft();
        SkuDesk dry = new SkuDesk(draft, locations, plan, false);
        for (Part part : parts) {
            if (!isClientCommand(part.payload())) {
                throw new Refusal(RefusalCode.UNSUPPORTED, part.payload().getClass().getSimpleName() + " is not part of a client's command");
            }
            dry.decide(sku, part.partId(), part.orderId(), part.payload(), at);
        }
        Set<String> lines = new LinkedHashSet<>(draft.writtenLines());
        // and the lines a part is about though it changes none of them (a confirm of a request already confirmed): held
        // all the same, or another client's command (a delete) could change them before the group commits, and the
        // commit would then refuse the part and its whole group though nothing but commands came between (found by
        // PreparedPartsPropertiesTest seed 6012729996229587279)
        for (String orderId : parts.stream().map(Part::orderId).distinct().toList()) {
            for (LineReservation line : book.linesOfOrder(sku, orderId)) {
                lines.add(BookKeys.line(line));
            }
        }
        refuseHeld(lines);
        SkuStock before = ledger.stockOf(sku);
        SkuStock after = draft.stock(sku).orElse(before);
        Map<String, Integer> held = new TreeMap<>();
        after.getLocations().forEach((location, s) -> {
            LocationStock was = before.getLocations().get(location);
            int taken = s.getAllocated() - (was == null ? 0 : was.getAllocated());
            if (taken > 0) {
                held.put(location, taken);
            }
        });
        Turn t = turn(sku, at);
        held.forEach((location, quantity) -> {
            LocationStock s = Ledger.location(t.stock(), location, at);
            s.setAllocated(s.getAllocated() + quantity);
        });
        book.putStock(t.stock());
        String holder = parts.get(0).partId();
        lines.forEach(line -> book.hold(line, holder));
        return new Prepared(List.copyOf(lines), held);
    }

    /**
     * Applies prepared parts, their group having committed: lets go of what they held, then decides them, in order, as
     * commands, all or none (on a draft, applied only when every one applies). Each part's decisions, or the refusal
     * that stopped them all with what letting go served: only what no hold stops can: a cancellation of their order,
     * an edit of its line, or a count of the SKU below what is allocated ({@link Shortfall}).
     */
    public Settled commit(String sku, List<Part> parts, Prepared prepared, Instant at) {
        release(sku, prepared, at);
        SkuBook.Draft draft = book.draft();
        SkuDesk real = new SkuDesk(draft, locations, plan);
        List<Decisions> decided = new ArrayList<>();
        try {
            for (Part part : parts) {
                decided.add(real.command(sku, part.partId(), part.orderId(), part.payload(), at));
            }
        } catch (Refusal refused) {
            return new Settled(List.of(serveWaiting(sku, at)), refused);
        }
        draft.apply();
        return new Settled(decided, null);
    }

    /** Lets prepared parts go, their group having aborted: their lines are free, their stock serves waiting lines. */
    public Decisions abort(String sku, Prepared prepared, Instant at) {
        release(sku, prepared, at);
        return serveWaiting(sku, at);
    }

    /** What prepared parts hold: their lines (keys of {@link BookKeys#line}) and the stock set aside, per location. */
    public record Prepared(List<String> lines, Map<String, Integer> held) {}

    /** Committed parts' decisions (one per part, in order), or the refusal that stopped them all (and what was served). */
    public record Settled(List<Decisions> decisions, Refusal refused) {}

    /** Lets go of what prepared parts hold: their lines are free again and their stock is no longer set aside. */
    public void release(String sku, Prepared prepared, Instant at) {
        prepared.lines().forEach(book::unhold);
        Turn t = turn(sku, at);
        prepared.held().forEach((location, quantity) -> {
            LocationStock s = Ledger.location(t.stock(), location, at);
            s.setAllocated(Math.max(0, s.getAllocated() - quantity));
        });
        book.putStock(t.stock());
    }

    private Decisions serveWaiting(String sku, Instant at) {
        Turn t = turn(sku, at);
        return serve(t, transfers.physicals(t), false, false);
    }

    /**
     * Applies a message of the shard protocol (ShardGrant, ShardWant, ShardRecall, ShardReturn) to this shard of a
     * sharded SKU ({@code key}: its shard key), then serves waiting lines; what it sends on is in the decisions.
     */
    public Decisions shardMessage(String key, Object message, Instant at) {
        checkKey(key);
        Turn t = turn(key, at);
        Map<String, Integer> before = transfers.physicals(t);
        return serve(t, before, transfers.receive(t, message), false);
    }

    /**
     * A rebalancing round at this shard of a sharded SKU: at home, what shards and home's own lines want and its free
     * units cannot give is recalled from the shards that want nothing, and a count's debt no recall covers is recalled.
     */
    public Decisions rebalance(String key, Instant at) {
        Turn t = turn(key, at);
        return serve(t, transfers.physicals(t), true, true);
    }

    /** Serves waiting lines from what the turn left available, ends the turn ({@link #settleShards}) and stores it. */
    private Decisions serve(Turn t, Map<String, Integer> before, boolean wanted, boolean rebalance) {
        router.fill(t);
        datePromises(t);
        settleShards(t, before, wanted, rebalance);
        book.putStock(t.stock());
        return t.decided();
    }

    /** The end of a turn of a sharded SKU ({@link ShardTransfers#settle}); nothing for a dry run. */
    private void settleShards(Turn t, Map<String, Integer> before, boolean wanted, boolean rebalance) {
        if (live) {
            transfers.settle(t, before, wanted, rebalance);
        }
    }

    private void refuseHeld(Collection<String> lines) {
        for (String line : lines) {
            if (book.holder(line).isPresent()) {
                throw new Refusal(RefusalCode.IN_PROGRESS, "another command over several SKUs is deciding line "
                    + line.substring(line.lastIndexOf(BookKeys.SEPARATOR) + 1) + "; try again with a new Idempotency-Key");
            }
        }
    }

    /** The commands a client sends about lines that exist (not the engine's reservations, cancellations or marks). */
    static boolean isClientCommand(Object payload) {
        return payload instanceof AllocateLines || payload instanceof UpdateAllocation || payload instanceof DeleteAllocations
            || payload instanceof ConfirmAllocationRequest || payload instanceof RejectAllocationRequest
            || payload instanceof SupplierAnswer;
    }

    private Decisions decide(String sku, String commandId, String orderId, Object payload, Instant at) {
        checkKey(sku);
        Turn t = turn(sku, at);
        Map<String, Integer> before = transfers.physicals(t);
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
        datePromises(t);
        settleShards(t, before, false, false);
        book.putStock(t.stock());
        return t.decided();
    }

    /** The commands that may give stock back: changes, deletes, cancellations, suppliers' answers and order edits. */
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
        } else if (payload instanceof ChangeLineQuantity change) {
            edits.change(t, orderId, change);
        } else if (payload instanceof CancelLine cancel) {
            edits.cancel(t, orderId, cancel);
        } else {
            throw new Refusal(RefusalCode.UNSUPPORTED, payload.getClass().getSimpleName() + " is not decided on a SKU's partition");
        }
    }

    /** A SKU and what was decided for it. */
    public record SkuDecisions(String sku, Decisions decisions) {}

    /**
     * Gives back the cart holds past their time to live, and times out the requests due at {@code now} (at most {@code
     * max} index entries of each): each releases its quantity and re-routes it, yet stays confirmable until its line's
     * flow ends (see {@link ConfirmFlow}).
     */
    public List<SkuDecisions> expire(Instant now, int max) {
        List<SkuDecisions> decided = new ArrayList<>();
        for (dev.allotment.events.CartHold due : book.dueCartHolds(now, max)) {   // a cart hold past its time to live
            Turn t = turn(due.getSku(), now);
            Map<String, Integer> before = transfers.physicals(t);
            holds.release(t, due.getHoldId());
            decided.add(new SkuDecisions(due.getSku(), serve(t, before, false, false)));
        }
        for (RequestExpiry due : book.dueExpiries(now, max)) {
            book.removeExpiry(due);
            Turn t = turn(due.sku(), now);
            Map<String, Integer> before = transfers.physicals(t);
            if (confirmFlow.expire(t, due)) {
                decided.add(new SkuDecisions(due.sku(), serve(t, before, false, false)));
            }
        }
        return decided;
    }

    /** Moves the promise dates of waiting lines when the turn may have changed them (see {@link Promises#due}). */
    private void datePromises(Turn t) {
        if (live && promises.due(t)) {
            promises.refresh(t);
        }
    }

    /** A turn on {@code sku}'s book (a key {@link #checkKey} let through, or one the desk stored). */
    private Turn turn(String sku, Instant at) {
        return new Turn(ledger.stockOf(sku), new Decisions(), at);
    }

    /**
     * Refuses a key from a record that names no SKU or shard (one published by hand with it), before a turn takes it:
     * at the entries that take keys from records (a stock change, a command, a shard message); the turns that follow
     * (serving waiting lines, expiry, rebalancing, a group's commit) take keys the desk checked or stored.
     */
    private static void checkKey(String sku) {
        ShardPlan.keyProblem(sku).ifPresent(p -> {
            throw new Refusal(RefusalCode.INVALID_FIELD, "sku: " + p);
        });
    }
}
