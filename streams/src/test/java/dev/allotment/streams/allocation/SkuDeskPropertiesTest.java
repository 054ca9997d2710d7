package dev.allotment.streams.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocateLines;
import dev.allotment.events.AllocatedLine;
import dev.allotment.events.AllocationCancelled;
import dev.allotment.events.AllocationCompleted;
import dev.allotment.events.AllocationRequested;
import dev.allotment.events.DeleteAllocations;
import dev.allotment.events.LineAllocation;
import dev.allotment.events.LineQuantity;
import dev.allotment.events.LineReservation;
import dev.allotment.events.LocationStock;
import dev.allotment.events.ReleaseOrder;
import dev.allotment.events.ReserveLine;
import dev.allotment.events.SkuStock;
import dev.allotment.events.StockAdjusted;
import dev.allotment.events.StockSet;
import dev.allotment.streams.audit.DecisionReplay;
import dev.allotment.events.UpdateAllocation;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * DESIGN §4 invariants 1–3 under long random sequences of stock changes, orders, manual allocations,
 * quantity changes, completions, deletions and cancellations, applied through the real decision code
 * ({@link SkuDesk}) on an in-memory book. After every step: no oversell, no line over-allocated, each
 * location's allocated equals its open allocations, and equals what the decision log alone says.
 */
class SkuDeskPropertiesTest {
    static final List<String> SKUS = List.of("S1", "S2");
    static final List<String> LOCATIONS = List.of("wh-a", "wh-b", "sup-c", "drop-d", "sup-e");
    /** The fixture's sites: two warehouses, a supplier that shares its stock, a drop-shipper and one that does not. */
    static final Map<String, Site> SITES = DeskFixture.SITES;
    static final AtomicLong OPERATIONS = new AtomicLong();
    static final Map<String, Long> EVENTS = new java.util.concurrent.ConcurrentSkipListMap<>();

    /** One step of a scenario. */
    sealed interface Op permits SetStock, Adjust, Place, Allocate, Change, Move, Complete, Delete, Cancel,
        Confirm, Reject, Answer, Mark, Wait, EditLine, Hold, PlaceHeld, ReleaseHold, Incoming {}
    record SetStock(String loc, String sku, int physical) implements Op {}
    record Adjust(String loc, String sku, int delta) implements Op {}
    record Place(int order, String channel, int priority, int q1, int q2, boolean twoSkus) implements Op {}
    record Allocate(int order, String sku, String loc, int quantity) implements Op {}
    record Change(int order, String sku, int quantity) implements Op {}
    record Move(int order, String sku, String loc) implements Op {}
    record Complete(int order, String sku) implements Op {}
    record Delete(int order, String sku) implements Op {}
    record Cancel(int order) implements Op {}
    record Confirm(int order, String sku, int pick) implements Op {}
    record Reject(int order, String sku, int pick) implements Op {}
    record Answer(int order, String sku, int accepted, int backordered, boolean mismatch) implements Op {}
    record Mark(int order, String sku, int pick, boolean sent) implements Op {}
    record Wait(int seconds) implements Op {}
    /** The platform edits the order's line of the SKU: a new quantity, or 0 to cancel it. */
    record EditLine(int order, String sku, int quantity) implements Op {}
    /** A checkout holds stock of the SKU on the channel for {@code ttl} seconds (hold id {@code h-<hold>}). */
    record Hold(int hold, String sku, String channel, int quantity, int ttl) implements Op {}
    /** An order whose line of the SKU names hold {@code h-<hold>}: it converts it, when it still holds. */
    record PlaceHeld(int order, int hold, String sku, String channel, int quantity) implements Op {}
    record ReleaseHold(int hold, String sku) implements Op {}
    /** Incoming batches replaced at a location: {@code count} of them (0 clears), quantities and days from now. */
    record Incoming(String loc, String sku, int count, int quantity, int days) implements Op {}

    /** The fixture's channels: web (every site), shop (wh-b), drop (wh-a, drop-d); manual has no routing. */
    static final Locations LOCS = DeskFixture.LOCATIONS;

    @Provide
    Arbitrary<List<Op>> scenarios() {
        Arbitrary<String> sku = Arbitraries.of(SKUS);
        Arbitrary<String> loc = Arbitraries.of(LOCATIONS);
        Arbitrary<Integer> order = Arbitraries.integers().between(1, 12);
        Arbitrary<Op> op = Arbitraries.frequencyOf(
            Tuple(3, Combinators.combine(loc, sku, Arbitraries.integers().between(0, 20)).as(SetStock::new)),
            Tuple(3, Combinators.combine(loc, sku, Arbitraries.integers().between(-6, 10)).as(Adjust::new)),
            Tuple(5, Combinators.combine(order, Arbitraries.of("web", "shop", "drop", "manual"),
                Arbitraries.integers().between(0, 2), Arbitraries.integers().between(1, 6),
                Arbitraries.integers().between(1, 6), Arbitraries.of(true, false)).as(Place::new)),
            Tuple(4, Combinators.combine(order, sku, loc, Arbitraries.integers().between(1, 5)).as(Allocate::new)),
            Tuple(2, Combinators.combine(order, sku, Arbitraries.integers().between(0, 6)).as(Change::new)),
            Tuple(2, Combinators.combine(order, sku, loc).as(Move::new)),
            Tuple(2, Combinators.combine(order, sku).as(Complete::new)),
            Tuple(1, Combinators.combine(order, sku).as(Delete::new)),
            Tuple(1, order.map(Cancel::new)),
            Tuple(3, Combinators.combine(order, sku, Arbitraries.integers().between(0, 3)).as(Confirm::new)),
            Tuple(2, Combinators.combine(order, sku, Arbitraries.integers().between(0, 3)).as(Reject::new)),
            Tuple(3, Combinators.combine(order, sku, Arbitraries.integers().between(0, 6), Arbitraries.integers().between(0, 6),
                Arbitraries.of(false, false, false, true)).as(Answer::new)),
            Tuple(6, Combinators.combine(order, sku, Arbitraries.integers().between(0, 3), Arbitraries.of(true, false)).as(Mark::new)),
            Tuple(2, Arbitraries.integers().between(1, 6).map(Wait::new)),
            Tuple(3, Combinators.combine(order, sku, Arbitraries.integers().between(0, 8)).as(EditLine::new)),
            Tuple(3, Combinators.combine(Arbitraries.integers().between(1, 3), sku, Arbitraries.of("web", "shop", "drop"),
                Arbitraries.integers().between(1, 5), Arbitraries.integers().between(1, 30)).as(Hold::new)),
            // orders 13 to 24 are placed only by these, so they are not all taken by Place before a hold is there
            Tuple(3, Combinators.combine(Arbitraries.integers().between(1, 24), Arbitraries.integers().between(1, 3), sku,
                Arbitraries.of("web", "shop", "drop", "manual"), Arbitraries.integers().between(1, 6)).as(PlaceHeld::new)),
            Tuple(1, Combinators.combine(Arbitraries.integers().between(1, 3), sku).as(ReleaseHold::new)),
            Tuple(3, Combinators.combine(loc, sku, Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 6),
                Arbitraries.integers().between(1, 30)).as(Incoming::new)));
        return op.list().ofMinSize(20).ofMaxSize(100);
    }

    private static net.jqwik.api.Tuple.Tuple2<Integer, Arbitrary<? extends Op>> Tuple(int weight, Arbitrary<? extends Op> a) {
        return net.jqwik.api.Tuple.of(weight, a);
    }

    /**
     * Cart holds in the thick of it: plenty of stock at the two warehouses, holds and the orders that convert them,
     * orders that do not, waits past their times to live, releases and counts.
     */
    @Provide
    Arbitrary<List<Op>> holdScenarios() {
        Arbitrary<Integer> hold = Arbitraries.integers().between(1, 4);
        Arbitrary<String> channel = Arbitraries.of("web", "shop");
        Arbitrary<Op> op = Arbitraries.frequencyOf(
            Tuple(2, Combinators.combine(Arbitraries.of("wh-a", "wh-b"), Arbitraries.just("S1"), Arbitraries.integers().between(0, 12))
                .as(SetStock::new)),
            Tuple(5, Combinators.combine(hold, Arbitraries.just("S1"), channel, Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(2, 12)).as(Hold::new)),
            Tuple(5, Combinators.combine(Arbitraries.integers().between(1, 40), hold, Arbitraries.just("S1"), channel,
                Arbitraries.integers().between(1, 5)).as(PlaceHeld::new)),
            Tuple(2, Combinators.combine(Arbitraries.integers().between(1, 12), Arbitraries.of("web", "shop"), Arbitraries.just(0),
                Arbitraries.integers().between(1, 4), Arbitraries.just(1), Arbitraries.just(false)).as(Place::new)),
            Tuple(1, Combinators.combine(hold, Arbitraries.just("S1")).as(ReleaseHold::new)),
            Tuple(1, Arbitraries.integers().between(1, 40).map(Cancel::new)),
            Tuple(2, Arbitraries.integers().between(1, 6).map(Wait::new)));
        return op.list().ofMinSize(20).ofMaxSize(80);
    }

    @Property(tries = 300)
    void holdsAndOrdersNeverOversellTogether(@ForAll("holdScenarios") List<Op> scenario) {
        run(scenario);
    }

    @Property(tries = 500)
    void noSequenceBreaksTheInvariants(@ForAll("scenarios") List<Op> scenario) {
        run(scenario);
    }

    static void run(List<Op> scenario) {
        InMemorySkuBook book = new InMemorySkuBook();
        SkuDesk desk = new SkuDesk(book, LOCS);
        DecisionReplay fromLog = new DecisionReplay();
        Instant now = Instant.parse("2026-11-25T10:00:00Z");
        int step = 0;
        Map<String, String> terminal = new HashMap<>();
        for (Op op : scenario) {
            now = now.plusSeconds(op instanceof Wait w ? w.seconds() : 1);
            step++;
            try {
                for (Decisions d : apply(desk, book, op, now, step)) {
                    replay(d, fromLog, now);
                }
                countIsAFact(book, op);
            } catch (Refusal refused) {
                // a refused step changes nothing; the invariants below still have to hold
                assertTrue(!(op instanceof SetStock), () -> "a count was refused (" + refused.getMessage() + "): " + op);
            }
            for (SkuDesk.SkuDecisions expired : desk.expire(now, 1_000)) {   // what the punctuator does every second
                replay(expired.decisions(), fromLog, now);
            }
            OPERATIONS.incrementAndGet();
            assertTrue(book.dueCartHolds(now, 1).isEmpty(), "a cart hold past its time to live still holds after " + op);
            checkInvariants(book, fromLog, op);
            checkRequests(book, terminal, now, op);
            checkPromiseDates(book, op);
        }
    }

    static List<Decisions> apply(SkuDesk desk, InMemorySkuBook book, Op op, Instant now, int step) {
        String cmd = "c-" + step;
        if (op instanceof SetStock s) {
            return List.of(desk.stock(s.sku(), new StockSet(s.sku(), s.loc(), s.physical(), null), now));
        }
        if (op instanceof Adjust a) {
            return List.of(desk.stock(a.sku(), new StockAdjusted(a.sku(), a.loc(), a.delta(), "test"), now));
        }
        if (op instanceof Wait) {
            return List.of();
        }
        if (op instanceof Hold h) {
            return List.of(desk.stock(h.sku(), new dev.allotment.events.HoldPlaced("h-" + h.hold(), h.sku(), h.quantity(), h.channel(),
                h.ttl()), now));
        }
        if (op instanceof ReleaseHold r) {
            return List.of(desk.stock(r.sku(), new dev.allotment.events.HoldReleased("h-" + r.hold(), r.sku(), "test"), now));
        }
        if (op instanceof Incoming in) {   // a quantity of 0 is refused: the step changes nothing
            List<dev.allotment.events.IncomingBatch> batches = new java.util.ArrayList<>();
            for (int i = 0; i < in.count(); i++) {
                batches.add(new dev.allotment.events.IncomingBatch(in.quantity() + i, now.plus(java.time.Duration.ofDays(in.days() * (i + 1L) % 31))));
            }
            int total = batches.stream().mapToInt(dev.allotment.events.IncomingBatch::getQuantity).sum();
            return List.of(desk.stock(in.sku(), new dev.allotment.events.IncomingSet(in.sku(), in.loc(), total, batches), now));
        }
        String orderId = "o-" + orderOf(op);
        if (op instanceof Confirm c) {
            return request(book, c.sku(), orderId, c.pick()).map(id -> List.of(desk.command(c.sku(), cmd, orderId,
                new dev.allotment.events.ConfirmAllocationRequest(id), now))).orElse(List.of());
        }
        if (op instanceof Reject r) {
            return request(book, r.sku(), orderId, r.pick()).map(id -> List.of(desk.command(r.sku(), cmd, orderId,
                new dev.allotment.events.RejectAllocationRequest(id, "test"), now))).orElse(List.of());
        }
        if (op instanceof Mark m) {
            // mostly a request that is there: a mark naming an order with none of the SKU goes to the first order with one
            String marked = m.pick() == 3 || request(book, m.sku(), orderId, m.pick()).isPresent() ? orderId
                : book.allLines().stream().filter(l -> l.getSku().equals(m.sku()) && l.getAllocations().stream().anyMatch(LineAllocation::getConfirm))
                    .map(LineReservation::getOrderId).findFirst().orElse(orderId);
            return request(book, m.sku(), marked, m.pick()).map(id -> List.of(desk.command(m.sku(), cmd, marked,
                m.sent() ? new dev.allotment.events.MarkRequestSent(id, 1) : new dev.allotment.events.MarkRequestSendFailed(id, 6, "down"),
                now))).orElse(List.of());
        }
        if (op instanceof Answer a) {
            for (LineReservation line : book.linesOfOrder(a.sku(), orderId)) {
                for (String loc : List.of("sup-c", "sup-e")) {
                    int q = line.getAllocations().stream().filter(p -> p.getLocationId().equals(loc) && Parts.isAnswerable(p))
                        .mapToInt(LineAllocation::getQuantity).sum();
                    if (q > 0) {
                        int accepted = Math.min(a.accepted(), q);
                        int backordered = Math.min(a.backordered(), q - accepted);
                        int rejected = q - accepted - backordered + (a.mismatch() ? 1 : 0);
                        return List.of(desk.command(a.sku(), cmd, orderId, new dev.allotment.events.SupplierAnswer(loc,
                            List.of(new dev.allotment.events.LineAnswer(line.getLineId(), accepted, rejected, backordered, "2026-12-24", null, null, null)),
                            null, null, null), now));
                    }
                }
            }
            return List.of();
        }
        if (op instanceof PlaceHeld p) {
            if (!book.linesOfOrder("S1", orderId).isEmpty() || !book.linesOfOrder("S2", orderId).isEmpty()) {
                return List.of();
            }
            return List.of(desk.command(p.sku(), cmd, orderId, new ReserveLine(p.sku().equals("S1") ? "l-1" : "l-2", p.sku(),
                p.quantity(), p.channel(), 0, now, null, "al-" + orderId, false, "h-" + p.hold()), now));
        }
        if (op instanceof Place p) {
            if (!book.linesOfOrder("S1", orderId).isEmpty() || !book.linesOfOrder("S2", orderId).isEmpty()) {
                return List.of();
            }
            Decisions first = desk.command("S1", cmd + "a", orderId, new ReserveLine("l-1", "S1", p.q1(), p.channel(),
                p.priority(), now, null, "al-" + orderId, false, null), now);
            if (!p.twoSkus()) {
                return List.of(first);
            }
            return List.of(first, desk.command("S2", cmd + "b", orderId, new ReserveLine("l-2", "S2", p.q2(), p.channel(),
                p.priority(), now, "wh-b", "al-" + orderId, false, null), now));
        }
        if (op instanceof Allocate a) {
            return List.of(desk.command(a.sku(), cmd, orderId, new AllocateLines(a.loc(),
                List.of(new LineQuantity(null, a.sku(), a.quantity())), "al-" + cmd), now));
        }
        if (op instanceof Change c) {
            return firstAllocation(book, c.sku(), orderId).map(id -> List.of(desk.command(c.sku(), cmd, orderId,
                new UpdateAllocation(id, List.of(new LineQuantity(null, c.sku(), c.quantity())), null, null), now))).orElse(List.of());
        }
        if (op instanceof Move m) {
            return firstAllocation(book, m.sku(), orderId).map(id -> List.of(desk.command(m.sku(), cmd, orderId,
                new UpdateAllocation(id, null, null, m.loc()), now))).orElse(List.of());
        }
        if (op instanceof Complete c) {
            return firstAllocation(book, c.sku(), orderId).map(id -> List.of(desk.command(c.sku(), cmd, orderId,
                new UpdateAllocation(id, null, now, null), now))).orElse(List.of());
        }
        if (op instanceof Delete d) {
            return List.of(desk.command(d.sku(), cmd, orderId, new DeleteAllocations(), now));
        }
        if (op instanceof EditLine e) {
            String lineId = e.sku().equals("S1") ? "l-1" : "l-2";
            return List.of(desk.command(e.sku(), cmd, orderId, e.quantity() == 0 ? new dev.allotment.events.CancelLine(lineId, "test")
                : new dev.allotment.events.ChangeLineQuantity(lineId, e.quantity(), "test"), now));
        }
        return SKUS.stream().map(sku -> desk.command(sku, cmd + sku, orderId, new ReleaseOrder("test"), now)).toList();
    }

    /** A count (DESIGN §4, invariant 9) is never refused here and stands as counted, whatever was allocated. */
    static void countIsAFact(InMemorySkuBook book, Op op) {
        if (op instanceof SetStock s) {
            assertEquals(s.physical(), book.stock(s.sku()).orElseThrow().getLocations().get(s.loc()).getPhysical(),
                () -> "the count did not stand: " + op);
        }
    }

    static int orderOf(Op op) {
        if (op instanceof Place p) {
            return p.order();
        } else if (op instanceof Allocate a) {
            return a.order();
        } else if (op instanceof Change c) {
            return c.order();
        } else if (op instanceof Move m) {
            return m.order();
        } else if (op instanceof Complete c) {
            return c.order();
        } else if (op instanceof Delete d) {
            return d.order();
        } else if (op instanceof Confirm c) {
            return c.order();
        } else if (op instanceof Reject r) {
            return r.order();
        } else if (op instanceof Answer a) {
            return a.order();
        } else if (op instanceof Mark m) {
            return m.order();
        } else if (op instanceof EditLine e) {
            return e.order();
        } else if (op instanceof PlaceHeld p) {
            return p.order();
        }
        return ((Cancel) op).order();
    }

    static Optional<String> firstAllocation(InMemorySkuBook book, String sku, String orderId) {
        return book.linesOfOrder(sku, orderId).stream().flatMap(l -> l.getAllocations().stream())
            .filter(p -> Parts.holds(p)).map(LineAllocation::getAllocationId).findFirst();
    }

    /** Invariant 3 from the log alone: each location's allocated is what its allocation events add up to. */
    static void replay(Decisions d, DecisionReplay fromLog, Instant now) {
        for (Decisions.Decided e : d.events()) {
            EVENTS.merge(e.payload().getClass().getSimpleName(), 1L, Long::sum);
            if (e.payload() instanceof AllocationCancelled c && c.getReason().startsWith("stock count")) {
                EVENTS.merge("GaveWayToACount", 1L, Long::sum);
            }
            if (e.payload() instanceof AllocationRequested r && r.getReason().startsWith("hold ")) {
                EVENTS.merge("HoldConverted", 1L, Long::sum);
            }
            fromLog.apply(e.orderId(), e.payload(), now);
        }
    }

    /** The pick-th allocation request of the order's lines of the SKU, whatever its status. */
    static Optional<String> request(InMemorySkuBook book, String sku, String orderId, int pick) {
        List<String> ids = book.linesOfOrder(sku, orderId).stream().flatMap(l -> l.getAllocations().stream())
            .filter(LineAllocation::getConfirm).map(LineAllocation::getAllocationId).distinct().toList();
        return ids.isEmpty() ? Optional.empty() : Optional.of(ids.get(pick % ids.size()));
    }

    /**
     * The confirm flow's own rules: rejected, outdated and completed are final states; nothing pending is
     * left past its expiry; a line whose units are all final keeps no timed-out request.
     */
    static void checkRequests(InMemorySkuBook book, Map<String, String> terminal, Instant now, Op after) {
        for (LineReservation line : book.allLines()) {
            int finalQuantity = 0;
            for (LineAllocation p : line.getAllocations()) {
                String key = line.getOrderId() + "/" + line.getLineId() + "/" + p.getAllocationId() + "/" + p.getCreatedAt();
                String was = terminal.get(key);
                assertTrue(was == null || was.equals(p.getStatus()), () -> "a " + was + " part became " + p.getStatus() + " after " + after + ": " + line);
                if (List.of("rejected", "outdated", "completed").contains(p.getStatus())) {
                    terminal.put(key, p.getStatus());
                }
                if (Parts.isPending(p) && p.getExpiresAt() != null) {
                    assertTrue(p.getExpiresAt().isAfter(now), () -> "a request past its expiry is still pending after " + after + ": " + line);
                }
                if (Parts.isFinal(p)) {
                    finalQuantity += p.getQuantity();
                }
            }
            boolean shadows = line.getAllocations().stream().anyMatch(Parts::isShadow);
            int settled = finalQuantity;
            assertTrue(!shadows || (settled < line.getQuantity() && !line.getCancelled()),
                () -> "a timed-out request outlived the end of its line's flow after " + after + ": " + line);
        }
    }

    static void checkInvariants(InMemorySkuBook book, DecisionReplay fromLog, Op after) {
        Map<String, Integer> openByLocation = new HashMap<>();
        for (LineReservation line : book.allLines()) {
            int sum = 0;
            for (LineAllocation part : line.getAllocations()) {
                assertTrue(part.getQuantity() > 0, () -> "empty allocation part after " + after + ": " + line);
                if (Parts.holds(part) || part.getStatus().equals("completed")) {
                    sum += part.getQuantity();
                }
                if (Parts.holds(part)) {
                    openByLocation.merge(line.getSku() + "@" + part.getLocationId(), part.getQuantity(), Integer::sum);
                }
            }
            int total = sum;
            assertTrue(line.getAllocatedQuantity() <= line.getQuantity(), () -> "line over-allocated after " + after + ": " + line);
            assertTrue(!line.getWaiting() || (!line.getCancelled() && line.getAllocatedQuantity() < line.getQuantity()),
                () -> "a line waits with nothing to wait for after " + after + ": " + line);
            assertEquals(total, line.getAllocatedQuantity(), () -> "allocations do not add up after " + after + ": " + line);
        }
        for (SkuStock stock : book.allStock().values()) {
            for (Map.Entry<String, LocationStock> e : stock.getLocations().entrySet()) {
                LocationStock s = e.getValue();
                String key = stock.getSku() + "@" + e.getKey();
                assertTrue(s.getAllocated() >= 0, () -> "negative allocated at " + key + " after " + after);
                if (SITES.get(e.getKey()).tracksStock()) {
                    assertTrue(s.getAllocated() + s.getHeld() <= s.getPhysical(), () -> "OVERSELL at " + key + " after " + after + ": " + s);
                }
                int heldByHolds = book.cartHolds(stock.getSku()).stream().flatMap(h -> h.getParts().stream())
                    .filter(p -> p.getLocationId().equals(e.getKey())).mapToInt(dev.allotment.events.HeldPart::getQuantity).sum();
                assertEquals(heldByHolds, s.getHeld(), () -> "held at " + key + " is not the sum of its holds after " + after);
                assertEquals(openByLocation.getOrDefault(key, 0), s.getAllocated(),
                    () -> "allocated at " + key + " is not the sum of open allocations after " + after);
                assertEquals(fromLog.allocated().getOrDefault(new DecisionReplay.At(stock.getSku(), e.getKey()), 0L), (long) s.getAllocated(),
                    () -> "the decision log disagrees with the state at " + key + " after " + after);
            }
        }
    }

    static final AtomicLong DATED = new AtomicLong();

    /** Every waiting line's promise date is none, or the date of a batch at a location that could serve it. */
    static void checkPromiseDates(InMemorySkuBook book, Op after) {
        for (LineReservation line : book.allLines()) {
            if (!line.getWaiting() || line.getExpectedAt() == null) {
                continue;
            }
            DATED.incrementAndGet();
            SkuStock stock = book.stock(line.getSku()).orElseThrow();
            boolean found = LOCS.routing(line.getChannel()).stream()
                .filter(site -> site.tracksStock() && !line.getDeclinedLocations().contains(site.id()))
                .map(site -> stock.getLocations().get(site.id()))
                .anyMatch(s -> s != null && s.getIncomingBatches() != null
                    && s.getIncomingBatches().stream().anyMatch(b -> b.getExpectedAt().equals(line.getExpectedAt())));
            assertTrue(found, () -> "a waiting line is promised a date no batch it could use has, after " + after + ": " + line
                + " stock " + stock);
        }
    }

    @AfterContainer
    static void report() {
        assertTrue(DATED.get() > 0, "the generated scenarios never promised a waiting line a date");
        System.out.println("SkuDeskPropertiesTest: " + OPERATIONS.get() + " operations checked; decisions " + EVENTS);
        for (String kind : List.of("AllocationConfirmed", "AllocationRejected", "AllocationTimedOut", "AllocationOutdated",
                "AllocationSent", "AllocationSendFailed", "LineBackordered", "GaveWayToACount", "LineQuantityChanged", "LineCancelled", "HoldConverted")) {
            assertTrue(EVENTS.getOrDefault(kind, 0L) > 0, "the generated scenarios never produced " + kind);
        }
    }
}
