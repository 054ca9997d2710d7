package dev.allotment.streams.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocateLines;
import dev.allotment.events.ConfirmAllocationRequest;
import dev.allotment.events.LineQuantity;
import dev.allotment.events.LocationStock;
import dev.allotment.events.RejectAllocationRequest;
import dev.allotment.events.SkuStock;
import dev.allotment.events.UpdateAllocation;
import dev.allotment.streams.allocation.SkuDeskPropertiesTest.Allocate;
import dev.allotment.streams.allocation.SkuDeskPropertiesTest.Change;
import dev.allotment.streams.allocation.SkuDeskPropertiesTest.Confirm;
import dev.allotment.streams.allocation.SkuDeskPropertiesTest.Op;
import dev.allotment.streams.allocation.SkuDeskPropertiesTest.Reject;
import dev.allotment.streams.audit.DecisionReplay;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Parts of multi-SKU commands prepared, held, and committed or aborted at random later steps, among the random stock
 * changes, orders, manual allocations, supplier answers, cancellations and timeouts of {@link SkuDeskPropertiesTest}:
 * no oversell while parts hold stock; each location's allocated is its open allocations plus what prepared parts set
 * aside, and the decision log plus the same; a committed part always applies, unless what a hold does not stop
 * overtook it: its order's cancellation, a count of its SKU below what is allocated, an edit of its order's line
 * ({@link #overtake}); once every part is decided, nothing is held and the invariants hold as without groups.
 */
class PreparedPartsPropertiesTest {
    static final AtomicLong PREPARED = new AtomicLong();
    static final AtomicLong COMMITTED = new AtomicLong();
    static final AtomicLong ABORTED = new AtomicLong();

    /** A prepared part waiting for its group's decision. */
    record Pending(String sku, String partId, String orderId, Object payload, SkuDesk.Prepared prepared) {}

    @Property(tries = 1_000)   // the scenarios mix many kinds of step: enough groups must be decided both ways
    void preparedPartsNeverBreakTheInvariants(@ForAll("scenarios") List<Op> scenario, @ForAll long seed) {
        Random random = new Random(seed);
        InMemorySkuBook book = new InMemorySkuBook();
        SkuDesk desk = new SkuDesk(book, SkuDeskPropertiesTest.LOCS);
        DecisionReplay fromLog = new DecisionReplay();
        List<Pending> pending = new ArrayList<>();
        Instant now = Instant.parse("2026-11-25T10:00:00Z");
        int step = 0;
        for (Op op : scenario) {
            now = now.plusSeconds(op instanceof SkuDeskPropertiesTest.Wait w ? w.seconds() : 1);
            step++;
            Optional<Pending> part = random.nextInt(4) != 0 ? asPart(book, op, step) : Optional.empty();
            try {
                if (part.isPresent()) {
                    Pending p = part.get();
                    pending.add(new Pending(p.sku(), p.partId(), p.orderId(), p.payload(),
                        desk.prepare(p.sku(), List.of(new SkuDesk.Part(p.partId(), p.orderId(), p.payload())), now)));
                    PREPARED.incrementAndGet();
                } else {
                    overtake(pending, op);
                    for (Decisions d : SkuDeskPropertiesTest.apply(desk, book, op, now, step)) {
                        SkuDeskPropertiesTest.replay(d, fromLog, now);
                    }
                }
            } catch (Refusal refused) {
                // refused: nothing changed, nothing held
            }
            if (!pending.isEmpty() && random.nextInt(3) == 0) {
                decide(desk, book, pending.remove(random.nextInt(pending.size())), random.nextBoolean(), fromLog, now);
            }
            for (SkuDesk.SkuDecisions expired : desk.expire(now, 1_000)) {
                SkuDeskPropertiesTest.replay(expired.decisions(), fromLog, now);
            }
            check(book, fromLog, pending, op);
        }
        while (!pending.isEmpty()) {
            decide(desk, book, pending.remove(0), random.nextBoolean(), fromLog, now);
        }
        for (String sku : SkuDeskPropertiesTest.SKUS) {
            assertFalse(book.anyHeld(sku), "a line is still held with every part decided");
        }
        SkuDeskPropertiesTest.checkInvariants(book, fromLog, null);
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<List<Op>> scenarios() {
        return new SkuDeskPropertiesTest().scenarios();
    }

    /** The client commands a group can hold a part of, with the payload the desk would get; empty for the others. */
    static Optional<Pending> asPart(InMemorySkuBook book, Op op, int step) {
        String partId = "g-" + step;
        if (op instanceof Allocate a) {
            return Optional.of(new Pending(a.sku(), partId, "o-" + a.order(), new AllocateLines(a.loc(),
                List.of(new LineQuantity(null, a.sku(), a.quantity())), "al-" + partId), null));
        }
        if (op instanceof Change c) {
            return SkuDeskPropertiesTest.firstAllocation(book, c.sku(), "o-" + c.order()).map(id -> new Pending(c.sku(), partId,
                "o-" + c.order(), new UpdateAllocation(id, List.of(new LineQuantity(null, c.sku(), c.quantity())), null, null), null));
        }
        if (op instanceof Confirm c) {
            return SkuDeskPropertiesTest.request(book, c.sku(), "o-" + c.order(), c.pick()).map(id -> new Pending(c.sku(), partId,
                "o-" + c.order(), new ConfirmAllocationRequest(id), null));
        }
        if (op instanceof Reject r) {
            return SkuDeskPropertiesTest.request(book, r.sku(), "o-" + r.order(), r.pick()).map(id -> new Pending(r.sku(), partId,
                "o-" + r.order(), new RejectAllocationRequest(id, "test"), null));
        }
        return Optional.empty();
    }

    /** Parts whose lines facts the engine does not hold off may have changed since they were prepared (see {@link #overtake}). */
    static final java.util.Set<String> OVERTAKEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * What no hold stops, as the order's cancellation: a count (it is a fact, and allocations give way to it) and the
     * platform's edit of an order line. A part prepared on that SKU may find its lines changed at commit, and be refused
     * then, all of its group with it.
     */
    static void overtake(List<Pending> pending, Op op) {
        String sku = op instanceof SkuDeskPropertiesTest.SetStock s ? s.sku() : op instanceof SkuDeskPropertiesTest.Adjust a ? a.sku()
            : op instanceof SkuDeskPropertiesTest.EditLine e ? e.sku() : null;
        pending.stream().filter(p -> p.sku().equals(sku)).forEach(p -> OVERTAKEN.add(p.partId()));
    }

    static void decide(SkuDesk desk, InMemorySkuBook book, Pending p, boolean commit, DecisionReplay fromLog, Instant now) {
        if (commit) {
            boolean cancelled = book.linesOfOrder(p.sku(), p.orderId()).stream().anyMatch(l -> l.getCancelled());
            boolean overtaken = OVERTAKEN.remove(p.partId());
            SkuDesk.Settled settled = desk.commit(p.sku(), List.of(new SkuDesk.Part(p.partId(), p.orderId(), p.payload())), p.prepared(), now);
            assertTrue(settled.refused() == null || cancelled || overtaken, () -> "a committed part was refused though its order "
                + "stands and nothing overtook it: " + settled.refused().getMessage() + " (" + p.payload() + ")");
            settled.decisions().forEach(d -> SkuDeskPropertiesTest.replay(d, fromLog, now));
            COMMITTED.incrementAndGet();
        } else {
            SkuDeskPropertiesTest.replay(desk.abort(p.sku(), p.prepared(), now), fromLog, now);
            ABORTED.incrementAndGet();
        }
    }

    /** No oversell; allocated is open allocations plus what prepared parts hold, as the state and the log say. */
    static void check(InMemorySkuBook book, DecisionReplay fromLog, List<Pending> pending, Op after) {
        Map<String, Integer> held = new HashMap<>();
        for (Pending p : pending) {
            p.prepared().held().forEach((location, q) -> held.merge(p.sku() + "@" + location, q, Integer::sum));
        }
        Map<String, Integer> open = new HashMap<>();
        book.allLines().forEach(line -> line.getAllocations().stream().filter(Parts::holds)
            .forEach(part -> open.merge(line.getSku() + "@" + part.getLocationId(), part.getQuantity(), Integer::sum)));
        for (SkuStock stock : book.allStock().values()) {
            for (Map.Entry<String, LocationStock> e : stock.getLocations().entrySet()) {
                String key = stock.getSku() + "@" + e.getKey();
                LocationStock s = e.getValue();
                if (SkuDeskPropertiesTest.SITES.get(e.getKey()).tracksStock()) {
                    assertTrue(s.getAllocated() + s.getHeld() <= s.getPhysical(), () -> "OVERSELL at " + key + " after " + after + ": " + s);
                }
                int aside = held.getOrDefault(key, 0);
                assertEquals(open.getOrDefault(key, 0) + aside, s.getAllocated(),
                    () -> "allocated at " + key + " is not open allocations + " + aside + " held, after " + after);
                assertEquals(fromLog.allocated().getOrDefault(new DecisionReplay.At(stock.getSku(), e.getKey()), 0L) + aside,
                    (long) s.getAllocated(), () -> "the decision log + held disagrees with the state at " + key + " after " + after);
            }
        }
    }

    @AfterContainer
    static void report() {
        System.out.println("PreparedPartsPropertiesTest: " + PREPARED.get() + " parts prepared, " + COMMITTED.get() + " committed, "
            + ABORTED.get() + " aborted");
        assertTrue(COMMITTED.get() > 50 && ABORTED.get() > 50, "too few parts decided to mean anything");
    }
}
