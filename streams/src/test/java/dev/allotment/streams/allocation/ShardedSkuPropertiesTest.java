package dev.allotment.streams.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocationCancelled;
import dev.allotment.events.CancelLine;
import dev.allotment.events.ChangeLineQuantity;
import dev.allotment.events.LineAllocation;
import dev.allotment.events.LineReservation;
import dev.allotment.events.LocationStock;
import dev.allotment.events.ReleaseOrder;
import dev.allotment.events.ReserveLine;
import dev.allotment.events.ShardGrant;
import dev.allotment.events.ShardLedger;
import dev.allotment.events.ShardLink;
import dev.allotment.events.ShardRecall;
import dev.allotment.events.ShardReturn;
import dev.allotment.events.ShardWant;
import dev.allotment.events.SkuStock;
import dev.allotment.events.StockAdjusted;
import dev.allotment.events.StockSet;
import dev.allotment.events.UpdateAllocation;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Issue 19, item 2: zero oversell with a hot SKU split into 2 to 5 shards ({@link ShardPlan}), each its own
 * {@link SkuDesk} over its own book, joined by a simulated network that holds the shard protocol's messages
 * ({@link ShardTransfers}) for many steps and delivers them in random order across links, in order on each link (a
 * link is one shard's task producing to another's partition: Kafka keeps that order), or in any order at all. Random
 * orders (lines routed to shards by the plan), cancellations, line edits, completions, counts and adjustments at home,
 * and rebalancing rounds. After every
 * step: the Ledger's rule at every shard; no line over-allocated; units neither created nor lost (every shard's
 * physical and every unit in flight add up to what home's books say it lent and holds, and those to what the counts,
 * adjustments and completions say); no more allocated over the shards than the true stock, but for what a count took
 * away that the shards holding it have not heard of yet. At the end, once every message is delivered and a rebalancing
 * round has run: every count's debt paid, and no shard has a waiting line while any shard has free units it could use.
 */
class ShardedSkuPropertiesTest {
    static final String SKU = "S";
    static final List<String> LOCATIONS = List.of("wh-a", "wh-b");
    static final Map<String, List<String>> ROUTING = Map.of("both", List.of("wh-a", "wh-b"), "a", List.of("wh-a"),
        "b", List.of("wh-b"));
    static final Locations LOCS = new Locations() {
        @Override
        public Optional<Site> site(String id) {
            return LOCATIONS.contains(id) ? Optional.of(new Site(id, true, true)) : Optional.empty();
        }

        @Override
        public List<Site> routing(String channel) {
            return ROUTING.getOrDefault(channel, List.of()).stream().map(id -> new Site(id, true, true)).toList();
        }
    };
    static final Map<String, Long> SEEN = new ConcurrentSkipListMap<>();

    sealed interface Op permits Place, Cancel, Edit, Complete, Count, Adjust, Deliver, Rebalance {}
    record Place(int order, String channel, int quantity, int priority) implements Op {}
    record Cancel(int order) implements Op {}
    /** The platform changes the order's line to {@code quantity}, or cancels it (0). */
    record Edit(int order, int quantity) implements Op {}
    record Complete(int order) implements Op {}
    record Count(String location, int physical) implements Op {}
    record Adjust(String location, int delta) implements Op {}
    /** Delivers the oldest message of one link with messages in flight ({@code pick} modulo their number). */
    record Deliver(int pick) implements Op {}
    record Rebalance() implements Op {}

    @Provide
    Arbitrary<List<Op>> scenarios() {
        Arbitrary<Integer> order = Arbitraries.integers().between(1, 30);
        Arbitrary<String> location = Arbitraries.of(LOCATIONS);
        Arbitrary<Op> op = Arbitraries.frequencyOf(
            Tuple.of(8, Combinators.combine(order, Arbitraries.of("both", "both", "a", "b"), Arbitraries.integers().between(1, 6),
                Arbitraries.integers().between(0, 2)).as(Place::new)),
            Tuple.of(2, order.map(Cancel::new)),
            Tuple.of(2, Combinators.combine(order, Arbitraries.integers().between(0, 8)).as(Edit::new)),
            Tuple.of(3, order.map(Complete::new)),
            Tuple.of(3, Combinators.combine(location, Arbitraries.integers().between(0, 30)).as(Count::new)),
            Tuple.of(3, Combinators.combine(location, Arbitraries.integers().between(-8, 12)).as(Adjust::new)),
            Tuple.of(12, Arbitraries.integers().between(0, 1_000).map(Deliver::new)),
            Tuple.of(1, Arbitraries.just(new Rebalance())));
        return op.list().ofMinSize(30).ofMaxSize(150);
    }

    @Property(tries = 1_000)
    void noInterleavingOversellsAShardedSku(@ForAll @IntRange(min = 2, max = 5) int shards, @ForAll boolean inOrderPerLink,
            @ForAll("scenarios") List<Op> scenario) {
        Network net = new Network(new ShardPlan(Map.of(SKU, shards), 1), inOrderPerLink);
        for (Op op : scenario) {
            net.step(op);
            net.check(op);
        }
        net.quiesce();
        net.check("quiescence");
        net.checkQuiescent();
        Statistics.label("shards").collect(shards);
        Statistics.label("messages in order on each link").collect(inOrderPerLink);
        Statistics.label("kinds of message delivered").collect(net.kinds.size() >= 5 ? "5 or more" : net.kinds.size() + "");
        Statistics.label("an allocation at a shard gave way to a count's recall").collect(net.kinds.contains("gave way at a shard"));
    }

    /** The shards' desks, the messages in flight between them, and the models of each location's stock. */
    static final class Network {
        final ShardPlan plan;
        final int n;
        /** As Kafka delivers them (one producer task to one partition), or in any order at all. */
        final boolean inOrderPerLink;
        final List<InMemorySkuBook> books = new ArrayList<>();
        final List<SkuDesk> desks = new ArrayList<>();
        /** Messages in flight, per link ({@code from>to}), oldest first. */
        final Map<String, Deque<Decisions.ShardMessage>> links = new TreeMap<>();
        /** What the location holds as things happen: counts, adjustments, completions wherever they are. */
        final Map<String, Long> truth = new HashMap<>();
        /** What counts, adjustments and completions say it holds as home hears of them (a shard's shipments when told). */
        final Map<String, Long> told = new HashMap<>();
        final Set<Integer> placed = new HashSet<>();
        final Set<String> kinds = new HashSet<>();
        Instant now = Instant.parse("2026-12-01T10:00:00Z");
        int commands;

        Network(ShardPlan plan, boolean inOrderPerLink) {
            this.plan = plan;
            this.inOrderPerLink = inOrderPerLink;
            this.n = plan.shards(SKU);
            for (int k = 0; k < n; k++) {
                InMemorySkuBook book = new InMemorySkuBook();
                books.add(book);
                desks.add(new SkuDesk(book, LOCS, plan));
            }
            LOCATIONS.forEach(l -> {
                truth.put(l, 0L);
                told.put(l, 0L);
            });
        }

        void step(Op op) {
            now = now.plusSeconds(1);
            String order = op instanceof Place p ? "o-" + p.order() : op instanceof Cancel c ? "o-" + c.order()
                : op instanceof Edit e ? "o-" + e.order() : op instanceof Complete c ? "o-" + c.order() : null;
            String key = order == null ? SKU : plan.keyOf(SKU, order);
            int k = ShardPlan.shard(key).index();
            if (op instanceof Place p) {
                if (placed.add(p.order())) {
                    sent(key, desks.get(k).command(key, "c-" + ++commands, order, new ReserveLine("l-1", SKU, p.quantity(),
                        p.channel(), p.priority(), now, null, "al-" + order, false, null), now));
                }
            } else if (op instanceof Cancel) {
                refusable(key, () -> desks.get(k).command(key, "c-" + ++commands, order, new ReleaseOrder("test"), now));
            } else if (op instanceof Edit e) {
                refusable(key, () -> desks.get(k).command(key, "c-" + ++commands, order, e.quantity() == 0
                    ? new CancelLine("l-1", "test") : new ChangeLineQuantity("l-1", e.quantity(), "test"), now));
            } else if (op instanceof Complete) {
                complete(key, order);
            } else if (op instanceof Count c) {
                if (refusable(SKU, () -> desks.get(0).stock(SKU, new StockSet(SKU, c.location(), c.physical(), null), now))) {
                    truth.put(c.location(), (long) c.physical());
                    told.put(c.location(), (long) c.physical());
                }
            } else if (op instanceof Adjust a) {
                if (refusable(SKU, () -> desks.get(0).stock(SKU, new StockAdjusted(SKU, a.location(), a.delta(), "test"), now))) {
                    // home adjusts what it has heard of: a shipment it has not may have taken the units adjusted away
                    truth.compute(a.location(), (l, was) -> Math.max(0, was + a.delta()));
                    told.merge(a.location(), (long) a.delta(), Long::sum);
                }
            } else if (op instanceof Deliver d) {
                deliverOne(d.pick());
            } else {
                sent(SKU, desks.get(0).rebalance(SKU, now));
            }
        }

        /** Completes the order's first allocation that holds stock: it ships from its shard's physical. */
        private void complete(String key, String order) {
            InMemorySkuBook book = books.get(ShardPlan.shard(key).index());
            Optional<LineAllocation> part = book.linesOfOrder(key, order).stream().flatMap(l -> l.getAllocations().stream())
                .filter(Parts::holds).findFirst();
            if (part.isEmpty()) {
                return;
            }
            sent(key, desks.get(ShardPlan.shard(key).index()).command(key, "c-" + ++commands, order,
                new UpdateAllocation(part.get().getAllocationId(), null, now, null), now));
            // a shard that has not heard of a count yet may ship a unit the count did not find: they crossed, and stock
            // is never below zero
            truth.compute(part.get().getLocationId(), (l, was) -> Math.max(0, was - part.get().getQuantity()));
            if (key.equals(SKU)) {
                told.merge(part.get().getLocationId(), (long) -part.get().getQuantity(), Long::sum);
            }
            kinds.add("completion");
        }

        /** Applies an input that may be refused (a refused input changes nothing); whether it applied. */
        private boolean refusable(String key, Supplier<Decisions> input) {
            try {
                sent(key, input.get());
                return true;
            } catch (Refusal refused) {
                return false;
            }
        }

        /** Delivers the oldest message of one busy link, or any message in flight when order is not kept. */
        void deliverOne(int pick) {
            List<Deque<Decisions.ShardMessage>> busy = links.values().stream().filter(q -> !q.isEmpty()).toList();
            if (busy.isEmpty()) {
                return;
            }
            Deque<Decisions.ShardMessage> link = busy.get(pick % busy.size());
            if (inOrderPerLink) {
                deliver(link.poll());
            } else {
                Decisions.ShardMessage any = new ArrayList<>(link).get((pick / busy.size()) % link.size());
                link.removeFirstOccurrence(any);
                deliver(any);
            }
        }

        void deliver(Decisions.ShardMessage m) {
            Object payload = m.payload();
            String kind = payload.getClass().getSimpleName();
            if (payload instanceof ShardWant w && w.getQuantity() == 0) {
                kind = "ShardWant (withdrawn)";
            } else if (payload instanceof ShardRecall r && r.getMust()) {
                kind = "ShardRecall (a count's)";
            } else if (payload instanceof ShardReturn r) {
                kind = r.getShipped() > 0 ? "ShardReturn (shipped)" : r.getQuantity() > 0 ? "ShardReturn (units)" : "ShardReturn (none)";
                if (r.getShipped() > 0) {   // home hears of the shipment now: by then a count may have covered it
                    told.put(r.getLocationId(), Math.max(0, told.get(r.getLocationId()) - r.getShipped()));
                }
            }
            kinds.add(kind);
            SEEN.merge(kind, 1L, Long::sum);
            Decisions d = desks.get(ShardPlan.shard(m.to()).index()).shardMessage(m.to(), payload, now);
            for (Decisions.Decided e : d.events()) {
                if (e.payload() instanceof AllocationCancelled c && c.getReason().startsWith("stock count")
                        && !m.to().equals(SKU)) {
                    kinds.add("gave way at a shard");
                    SEEN.merge("allocation gave way at a shard to a count's recall", 1L, Long::sum);
                }
            }
            sent(m.to(), d);
        }

        private void sent(String from, Decisions d) {
            for (Decisions.ShardMessage m : d.shardMessages()) {
                links.computeIfAbsent(from + ">" + m.to(), x -> new ArrayDeque<>()).add(m);
            }
        }

        boolean inFlight() {
            return links.values().stream().anyMatch(q -> !q.isEmpty());
        }

        /** Every message delivered (in random order across links), then a rebalancing round, then every message again. */
        void quiesce() {
            Random random = new Random(commands);
            for (int round = 0; round < 2; round++) {
                int delivered = 0;
                while (inFlight()) {
                    deliverOne(random.nextInt(1_000_000));
                    assertTrue(++delivered < 100_000, "the shards never stop sending each other messages");
                }
                if (round == 0) {
                    now = now.plusSeconds(1);
                    sent(SKU, desks.get(0).rebalance(SKU, now));
                }
            }
        }

        LocationStock level(int k, String location) {
            return books.get(k).stock(ShardPlan.key(SKU, k)).map(s -> s.getLocations().get(location))
                .orElse(null);
        }

        int physical(int k, String location) {
            LocationStock s = level(k, location);
            return s == null ? 0 : s.getPhysical();
        }

        ShardLedger homeLedger() {
            return books.get(0).stock(SKU).map(SkuStock::getShards).orElse(null);
        }

        long debt(String location) {
            ShardLedger l = homeLedger();
            return l == null ? 0 : l.getDebts().getOrDefault(location, 0);
        }

        long lent(String location) {
            ShardLedger l = homeLedger();
            return l == null ? 0 : l.getLinks().stream().filter(x -> x.getShard() > 0 && x.getLocationId().equals(location))
                .mapToLong(ShardLink::getLent).sum();
        }

        /** Units in flight to or from a location, and the shipments home has not heard of yet. */
        long[] inFlight(String location) {
            long units = 0;
            long shipped = 0;
            for (Deque<Decisions.ShardMessage> q : links.values()) {
                for (Decisions.ShardMessage m : q) {
                    if (m.payload() instanceof ShardGrant g && g.getLocationId().equals(location)) {
                        units += g.getQuantity();
                    } else if (m.payload() instanceof ShardReturn r && r.getLocationId().equals(location)) {
                        units += r.getQuantity();
                        shipped += r.getShipped();
                    }
                }
            }
            return new long[] {units, shipped};
        }

        void check(Object after) {
            for (int k = 0; k < n; k++) {
                for (LineReservation line : books.get(k).allLines()) {
                    int open = line.getAllocations().stream().filter(p -> Parts.holds(p) || p.getStatus().equals("completed"))
                        .mapToInt(LineAllocation::getQuantity).sum();
                    assertTrue(line.getAllocatedQuantity() <= line.getQuantity(), () -> "line over-allocated after " + after + ": " + line);
                    assertEquals(open, line.getAllocatedQuantity(), () -> "allocations do not add up after " + after + ": " + line);
                }
            }
            for (String location : LOCATIONS) {
                long allocated = 0;
                long physical = 0;
                for (int k = 0; k < n; k++) {
                    LocationStock s = level(k, location);
                    if (s == null) {
                        continue;
                    }
                    int shard = k;
                    assertTrue(s.getAllocated() >= 0 && s.getPhysical() >= 0, () -> "negative stock at shard " + shard + " " + location + ": " + s);
                    assertTrue(s.getAllocated() + s.getHeld() <= s.getPhysical(),
                        () -> "OVERSELL at shard " + shard + " of " + location + " after " + after + ": " + s);
                    allocated += s.getAllocated();
                    physical += s.getPhysical();
                }
                long[] flying = inFlight(location);
                long held = physical;
                long units = physical + flying[0];
                long debt = debt(location);
                long books0 = physical(0, location) + lent(location);
                assertEquals(books0, units + flying[1], () -> "units created or lost at " + location + " after " + after
                    + ": home holds and lent " + books0 + "; the shards hold " + held + ", " + flying[0] + " in flight, "
                    + flying[1] + " shipped unheard of");
                assertEquals(told.get(location), books0 - debt, () -> "home's books disagree with the counts, adjustments and"
                    + " completions at " + location + " after " + after + " (debt " + debt + ")");
                long truly = truth.get(location);
                assertTrue(units <= truly + debt, () -> "more units than the true stock " + truly + " (and a count's debt " + debt
                    + ") at " + location + " after " + after + ": " + units);
                long all = allocated;
                assertTrue(all <= truly + debt, () -> "OVERSELL over the shards at " + location + " after " + after + ": " + all
                    + " allocated of " + truly + " (a count's debt " + debt + ")");
                SEEN.merge("stock checks", 1L, Long::sum);
            }
        }

        void checkQuiescent() {
            for (String location : LOCATIONS) {
                assertEquals(0, debt(location), () -> "a count's debt at " + location + " is still unpaid once all is delivered");
                assertTrue(told.get(location) <= truth.get(location), "home counts more than is there");
            }
            for (int k = 0; k < n; k++) {
                for (LineReservation line : books.get(k).waiting(ShardPlan.key(SKU, k), 1_000)) {
                    for (String location : ROUTING.get(line.getChannel())) {
                        for (int j = 0; j < n; j++) {
                            LocationStock s = level(j, location);
                            int free = s == null ? 0 : s.getPhysical() - s.getAllocated() - s.getHeld();
                            int shard = j;
                            assertEquals(0, free, () -> "a line waits at shard " + line.getSku() + " while shard " + shard + " has "
                                + free + " free at " + location + ": " + line);
                        }
                    }
                    SEEN.merge("lines waiting at quiescence (no free unit they could use anywhere)", 1L, Long::sum);
                }
            }
        }
    }

    @AfterContainer
    static void report() {
        System.out.println("ShardedSkuPropertiesTest: " + SEEN);
        for (String kind : List.of("ShardGrant", "ShardWant", "ShardWant (withdrawn)", "ShardRecall", "ShardRecall (a count's)", "ShardReturn (units)",
                "ShardReturn (shipped)", "allocation gave way at a shard to a count's recall")) {
            assertTrue(SEEN.getOrDefault(kind, 0L) > 0, "the generated scenarios never produced " + kind);
        }
    }
}
