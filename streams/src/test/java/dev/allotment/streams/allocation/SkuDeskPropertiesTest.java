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
    static final List<String> LOCATIONS = List.of("wh-a", "wh-b", "sup-c", "drop-d");
    static final Map<String, Site> SITES = Map.of(
        "wh-a", new Site("wh-a", true, true), "wh-b", new Site("wh-b", true, true),
        "sup-c", new Site("sup-c", false, true), "drop-d", new Site("drop-d", true, false));
    static final Map<String, List<String>> ROUTING = Map.of(
        "web", List.of("wh-a", "sup-c", "wh-b"), "shop", List.of("wh-b"), "drop", List.of("wh-a", "drop-d"));
    static final AtomicLong OPERATIONS = new AtomicLong();

    /** One step of a scenario. */
    sealed interface Op permits SetStock, Adjust, Place, Allocate, Change, Complete, Delete, Cancel {}
    record SetStock(String loc, String sku, int physical) implements Op {}
    record Adjust(String loc, String sku, int delta) implements Op {}
    record Place(int order, String channel, int priority, int q1, int q2, boolean twoSkus) implements Op {}
    record Allocate(int order, String sku, String loc, int quantity) implements Op {}
    record Change(int order, String sku, int quantity) implements Op {}
    record Complete(int order, String sku) implements Op {}
    record Delete(int order, String sku) implements Op {}
    record Cancel(int order) implements Op {}

    static final Locations LOCS = new Locations() {
        @Override
        public Optional<Site> site(String id) {
            return Optional.ofNullable(SITES.get(id));
        }

        @Override
        public List<Site> routing(String channel) {
            return ROUTING.getOrDefault(channel, List.of()).stream().map(SITES::get).toList();
        }
    };

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
            Tuple(2, Combinators.combine(order, sku).as(Complete::new)),
            Tuple(1, Combinators.combine(order, sku).as(Delete::new)),
            Tuple(1, order.map(Cancel::new)));
        return op.list().ofMinSize(20).ofMaxSize(100);
    }

    private static net.jqwik.api.Tuple.Tuple2<Integer, Arbitrary<? extends Op>> Tuple(int weight, Arbitrary<? extends Op> a) {
        return net.jqwik.api.Tuple.of(weight, a);
    }

    @Property(tries = 500)
    void noSequenceBreaksTheInvariants(@ForAll("scenarios") List<Op> scenario) {
        InMemorySkuBook book = new InMemorySkuBook();
        SkuDesk desk = new SkuDesk(book, LOCS);
        Map<String, Integer> fromLog = new HashMap<>();
        Instant now = Instant.parse("2026-11-25T10:00:00Z");
        int step = 0;
        for (Op op : scenario) {
            now = now.plusSeconds(1);
            step++;
            try {
                for (Decisions d : apply(desk, book, op, now, step)) {
                    replay(d, fromLog);
                }
            } catch (Refusal refused) {
                // a refused step changes nothing; the invariants below still have to hold
            }
            OPERATIONS.incrementAndGet();
            checkInvariants(book, fromLog, op);
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
        String orderId = "o-" + orderOf(op);
        if (op instanceof Place p) {
            if (!book.linesOfOrder("S1", orderId).isEmpty() || !book.linesOfOrder("S2", orderId).isEmpty()) {
                return List.of();
            }
            Decisions first = desk.command("S1", cmd + "a", orderId, new ReserveLine("l-1", "S1", p.q1(), p.channel(),
                p.priority(), now, null, "al-" + orderId), now);
            if (!p.twoSkus()) {
                return List.of(first);
            }
            return List.of(first, desk.command("S2", cmd + "b", orderId, new ReserveLine("l-2", "S2", p.q2(), p.channel(),
                p.priority(), now, "wh-b", "al-" + orderId), now));
        }
        if (op instanceof Allocate a) {
            return List.of(desk.command(a.sku(), cmd, orderId, new AllocateLines(a.loc(),
                List.of(new LineQuantity(null, a.sku(), a.quantity())), "al-" + cmd), now));
        }
        if (op instanceof Change c) {
            return firstAllocation(book, c.sku(), orderId).map(id -> List.of(desk.command(c.sku(), cmd, orderId,
                new UpdateAllocation(id, List.of(new LineQuantity(null, c.sku(), c.quantity())), null), now))).orElse(List.of());
        }
        if (op instanceof Complete c) {
            return firstAllocation(book, c.sku(), orderId).map(id -> List.of(desk.command(c.sku(), cmd, orderId,
                new UpdateAllocation(id, null, now), now))).orElse(List.of());
        }
        if (op instanceof Delete d) {
            return List.of(desk.command(d.sku(), cmd, orderId, new DeleteAllocations(), now));
        }
        return SKUS.stream().map(sku -> desk.command(sku, cmd + sku, orderId, new ReleaseOrder("test"), now)).toList();
    }

    static int orderOf(Op op) {
        if (op instanceof Place p) {
            return p.order();
        } else if (op instanceof Allocate a) {
            return a.order();
        } else if (op instanceof Change c) {
            return c.order();
        } else if (op instanceof Complete c) {
            return c.order();
        } else if (op instanceof Delete d) {
            return d.order();
        }
        return ((Cancel) op).order();
    }

    static Optional<String> firstAllocation(InMemorySkuBook book, String sku, String orderId) {
        return book.linesOfOrder(sku, orderId).stream().flatMap(l -> l.getAllocations().stream())
            .filter(p -> p.getStatus().equals("allocated")).map(LineAllocation::getAllocationId).findFirst();
    }

    /** Invariant 3 from the log alone: each location's allocated is what its allocation events add up to. */
    static void replay(Decisions d, Map<String, Integer> fromLog) {
        for (Decisions.Decided e : d.events()) {
            if (e.payload() instanceof AllocationRequested r) {
                r.getLines().forEach(l -> fromLog.merge(l.getSku() + "@" + r.getLocationId(), l.getQuantity(), Integer::sum));
            } else if (e.payload() instanceof AllocationCancelled c) {
                for (AllocatedLine l : c.getLines()) {
                    fromLog.merge(l.getSku() + "@" + locationOf(c.getAllocationId(), l, fromLog), -l.getQuantity(), Integer::sum);
                }
            } else if (e.payload() instanceof AllocationCompleted c) {
                for (AllocatedLine l : c.getLines()) {
                    fromLog.merge(l.getSku() + "@" + locationOf(c.getAllocationId(), l, fromLog), -l.getQuantity(), Integer::sum);
                }
            }
            if (e.payload() instanceof AllocationRequested r) {
                LOCATION_OF.put(r.getAllocationId() + "/" + r.getLines().get(0).getLineId(), r.getLocationId());
            }
        }
    }

    static final Map<String, String> LOCATION_OF = new java.util.concurrent.ConcurrentHashMap<>();

    static String locationOf(String allocationId, AllocatedLine line, Map<String, Integer> unused) {
        return LOCATION_OF.get(allocationId + "/" + line.getLineId());
    }

    static void checkInvariants(InMemorySkuBook book, Map<String, Integer> fromLog, Op after) {
        Map<String, Integer> openByLocation = new HashMap<>();
        for (LineReservation line : book.allLines()) {
            int sum = 0;
            for (LineAllocation part : line.getAllocations()) {
                assertTrue(part.getQuantity() > 0, () -> "empty allocation part after " + after + ": " + line);
                sum += part.getQuantity();
                if (part.getStatus().equals("allocated")) {
                    openByLocation.merge(line.getSku() + "@" + part.getLocationId(), part.getQuantity(), Integer::sum);
                }
            }
            int total = sum;
            assertTrue(line.getAllocatedQuantity() <= line.getQuantity(), () -> "line over-allocated after " + after + ": " + line);
            assertEquals(total, line.getAllocatedQuantity(), () -> "allocations do not add up after " + after + ": " + line);
        }
        for (SkuStock stock : book.allStock().values()) {
            for (Map.Entry<String, LocationStock> e : stock.getLocations().entrySet()) {
                LocationStock s = e.getValue();
                String key = stock.getSku() + "@" + e.getKey();
                assertTrue(s.getAllocated() >= 0, () -> "negative allocated at " + key + " after " + after);
                if (SITES.get(e.getKey()).tracksStock()) {
                    assertTrue(s.getAllocated() <= s.getPhysical(), () -> "OVERSELL at " + key + " after " + after + ": " + s);
                }
                assertEquals(openByLocation.getOrDefault(key, 0), s.getAllocated(),
                    () -> "allocated at " + key + " is not the sum of open allocations after " + after);
                assertEquals(fromLog.getOrDefault(key, 0), s.getAllocated(),
                    () -> "the decision log disagrees with the state at " + key + " after " + after);
            }
        }
    }

    @AfterContainer
    static void report() {
        System.out.println("SkuDeskPropertiesTest: " + OPERATIONS.get() + " operations checked");
    }
}
