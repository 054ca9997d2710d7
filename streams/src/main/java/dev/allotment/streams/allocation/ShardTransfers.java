package dev.allotment.streams.allocation;

import dev.allotment.events.LineReservation;
import dev.allotment.events.LocationStock;
import dev.allotment.events.ShardGrant;
import dev.allotment.events.ShardLedger;
import dev.allotment.events.ShardLink;
import dev.allotment.events.ShardRecall;
import dev.allotment.events.ShardLevel;
import dev.allotment.events.ShardReturn;
import dev.allotment.events.ShardWant;
import dev.allotment.events.StockAdjusted;
import dev.allotment.events.StockSet;
import dev.allotment.streams.order.Limits;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The shard protocol of a hot SKU (docs/design/sku-shards.md): its stock at a location split over N shards, each its own
 * single writer, with units moved between them by messages, never shared. Home (shard 0) takes every count; it grants
 * units off its own physical (ShardGrant), answers a shard's want (ShardWant) from its free units or by recalling free
 * ones from the others (ShardRecall), and recalls what a count took away (a recall that must be met); a shard gives
 * units back, or says what it shipped (ShardReturn). A unit is in one shard's physical or in one message, so with the
 * {@link Ledger}'s rule at every shard ({@code allocated + held <= physical}) the shards together never oversell.
 * Plain Java, called by the {@link SkuDesk} at the end of every turn of a sharded SKU; what it sends is in the turn's
 * {@link Decisions#shardMessages()}.
 */
record ShardTransfers(SkuBook book, Ledger ledger, Router router, Shortfall shortfall, ShardPlan plan) {
    /** Home's own waiting lines, in home's links. */
    private static final int HOME = 0;
    /** How many of a shard's waiting lines its want counts (see {@link #needs}). */
    static final int WANT_LINES = 8;

    boolean sharded(Turn t) {
        return plan.sharded(t.sku());
    }

    /** Each location's physical at the start of a turn, to see at its end what rose (empty for a SKU not sharded). */
    Map<String, Integer> physicals(Turn t) {
        if (!sharded(t)) {
            return Map.of();   // every turn of every SKU asks: an unsharded one costs nothing
        }
        Map<String, Integer> physical = new HashMap<>();
        t.stock().getLocations().forEach((location, s) -> physical.put(location, s.getPhysical()));
        return physical;
    }

    // ---- home: counts

    /**
     * A count (StockSet) or adjustment at home sets the SKU's total {@code T} at the location; home's own physical is
     * {@code T} less what the other shards hold of it ({@code lent}). When that is below zero, home's part is 0 and the
     * rest is a debt: the shards are asked for it (a recall that must be met) and units coming back pay it first. The
     * change to apply to home's own stock ({@link StockCounts}); the change itself for a SKU not sharded, or one
     * StockCounts refuses as it is.
     */
    Object countAtHome(Turn t, Object change) {
        if (!sharded(t) || !ShardPlan.shard(t.sku()).home()) {
            return change;
        }
        if (change instanceof StockSet set && ledger.tracksStock(set.getLocationId())
                && set.getPhysical() >= 0 && Limits.quantityProblem(set.getPhysical()).isEmpty()) {
            int own = owned(t, set.getLocationId(), set.getPhysical());
            return new StockSet(set.getSku(), set.getLocationId(), own, set.getIncoming());
        }
        if (change instanceof StockAdjusted adjusted && ledger.tracksStock(adjusted.getLocationId())) {
            String location = adjusted.getLocationId();
            long total = total(t, location) + adjusted.getDelta();
            if (total < 0 || Limits.quantityProblem(total).isPresent()) {
                throw new Refusal(RefusalCode.INVALID_QUANTITY, "physical of " + t.sku() + " at " + location
                    + " (all its shards) must be 0 to " + Limits.MAX_QUANTITY + ", was " + total);
            }
            int was = physical(t, location);
            int own = owned(t, location, (int) total);
            return new StockAdjusted(adjusted.getSku(), location, own - was, adjusted.getReason());
        }
        return change;
    }

    /** What the location holds in all, as home's books say: its own physical and what it lent, less its debt. */
    long total(Turn t, String location) {
        return (long) physical(t, location) + lent(t, location) - debt(t, location);
    }

    /** Sets the debt for a total of {@code total} at the location; home's own part of it. */
    private int owned(Turn t, String location, int total) {
        long own = (long) total - lent(t, location);
        ledgerOf(t).getDebts().put(location, (int) Math.max(0, -own));
        return (int) Math.max(0, own);
    }

    // ---- messages

    /** Applies a shard message to this shard's stock; whether it was a want (which may call for a recall). */
    boolean receive(Turn t, Object message) {
        if (!sharded(t)) {
            throw new Refusal(RefusalCode.UNSUPPORTED, t.sku() + " is not sharded: " + message.getClass().getSimpleName() + " ignored");
        }
        if (message instanceof ShardGrant grant) {
            LocationStock s = Ledger.location(t.stock(), grant.getLocationId(), t.at());
            s.setPhysical(s.getPhysical() + grant.getQuantity());
            ShardLink home = link(t, HOME, grant.getLocationId());
            home.setLent(home.getLent() + grant.getQuantity());
            home.setGranted(home.getGranted() + grant.getQuantity());
            t.decided().stockChanged(grant.getLocationId());
        } else if (message instanceof ShardRecall recall) {
            giveBack(t, recall);
        } else if (message instanceof ShardWant want) {
            ShardLink link = link(t, want.getShard(), want.getLocationId());
            if (want.getSequence() > link.getWantSequence()) {
                link.setWant(want.getQuantity());
                link.setWantSeen(want.getGrantedSeen());
                link.setWantSequence(want.getSequence());
            }
            return true;
        } else if (message instanceof ShardReturn back) {
            takeBack(t, back);
        } else if (message instanceof ShardLevel level) {   // what home publishes as the SKU's level: no unit moves
            ShardLink link = link(t, level.getShard(), level.getLocationId());
            link.setLevelAllocated(level.getAllocated());
            link.setLevelHeld(level.getHeld());
            t.decided().stockChanged(level.getLocationId());
        } else {
            throw new Refusal(RefusalCode.UNSUPPORTED, message.getClass().getSimpleName() + " is not a shard message");
        }
        return false;
    }

    /**
     * At a shard: gives back what home recalls, up to what is free; a count's recall is met from the physical, the
     * shard's allocations giving way by the {@link Shortfall} rule when its free units are too few. Stock a command over
     * several SKUs has set aside cannot give way: the shard gives none then, and home asks again.
     */
    private void giveBack(Turn t, ShardRecall recall) {
        String location = recall.getLocationId();
        LocationStock s = Ledger.location(t.stock(), location, t.at());
        int give;
        if (recall.getMust()) {
            give = Math.min(recall.getQuantity(), s.getPhysical());
            try {
                shortfall.countAt(t, location, s.getPhysical() - give);
            } catch (Refusal setAside) {
                give = 0;
            }
        } else {
            give = Math.max(0, Math.min(recall.getQuantity(), Ledger.available(t.stock(), location)));
            s.setPhysical(s.getPhysical() - give);
        }
        ShardLink home = link(t, HOME, location);
        home.setLent(home.getLent() - give);
        t.decided().stockChanged(location);
        int self = ShardPlan.shard(t.sku()).index();
        t.decided().send(home(t), new ShardReturn(self, location, give, 0, recall.getQuantity(), recall.getMust()));
    }

    /** At home: units a shard gave back pay the location's debt first, the rest join home's physical; shipped ones are gone. */
    private void takeBack(Turn t, ShardReturn back) {
        String location = back.getLocationId();
        ShardLink link = link(t, back.getShard(), location);
        link.setLent(link.getLent() - back.getQuantity() - back.getShipped());
        if (back.getMust()) {
            link.setOwed(Math.max(0, link.getOwed() - back.getRecalled()));
        } else {
            link.setRecalled(Math.max(0, link.getRecalled() - back.getRecalled()));
        }
        Map<String, Integer> debts = ledgerOf(t).getDebts();
        int debt = debts.getOrDefault(location, 0);
        // a total is never below zero: what was shipped before a count that did not know of it was not there to count
        debt = (int) Math.min(debt, (long) physical(t, location) + back.getQuantity() + lent(t, location));
        int pays = Math.min(back.getQuantity(), debt);
        debts.put(location, debt - pays);
        LocationStock s = Ledger.location(t.stock(), location, t.at());
        s.setPhysical(s.getPhysical() + back.getQuantity() - pays);
        t.decided().stockChanged(location);
    }

    // ---- the end of every turn

    /**
     * Ends a turn of a sharded SKU. At home, per location: free units pay the debt; wants are answered from free units;
     * what is still wanted (by shards, or by home's own waiting lines, when that grew) is recalled from the shards that
     * want nothing there, when {@code wanted} or {@code rebalance}; a debt no recall covers is recalled; what rose and
     * is still free is spread evenly over the shards. At a shard: a physical below what home lent was shipped (home is
     * told); a change in what its waiting lines lack is told home as one want per location.
     */
    void settle(Turn t, Map<String, Integer> before, boolean wanted, boolean rebalance) {
        if (!sharded(t)) {
            return;
        }
        Map<String, Integer> needs = needs(t);
        for (String location : locations(t, needs.keySet())) {
            int need = needs.getOrDefault(location, 0);
            if (ShardPlan.shard(t.sku()).home()) {
                settleHome(t, location, need, before.getOrDefault(location, 0), wanted || rebalance);
            } else {
                settleShard(t, location, need);
            }
        }
    }

    private void settleHome(Turn t, String location, int need, int physicalBefore, boolean recall) {
        Map<String, Integer> debts = ledgerOf(t).getDebts();
        int debt = debts.getOrDefault(location, 0);
        int pays = Math.min(debt, free(t, location));
        if (pays > 0) {
            debts.put(location, debt - pays);
            adjustPhysical(t, location, -pays);
        }
        int rose = physical(t, location) - physicalBefore;
        ShardLink own = link(t, HOME, location);
        boolean ownGrew = need > own.getWant();
        own.setWant(need);
        for (ShardLink link : shardLinks(t, location)) {
            grant(t, link, Math.min(wanting(link), free(t, location)));
        }
        if (recall || ownGrew) {
            recallWanted(t, location, need);
        }
        recallDebt(t, location);
        int spread = Math.min(Math.max(0, rose), free(t, location)) / plan.shards(ShardPlan.shard(t.sku()).sku());
        if (spread > 0) {
            shardLinks(t, location).forEach(link -> grant(t, link, spread));
        }
    }

    /** Asks the shards that want nothing at the location for what the others and home's own lines still lack. */
    private void recallWanted(Turn t, String location, int ownNeed) {
        List<ShardLink> links = shardLinks(t, location);
        long lacking = (long) ownNeed - free(t, location);
        for (ShardLink link : links) {
            lacking += wanting(link) - link.getRecalled();
        }
        if (lacking <= 0) {
            return;
        }
        for (ShardLink link : links) {
            int ask = (int) Math.min(lacking, link.getLent() - link.getRecalled() - link.getOwed());
            if (wanting(link) == 0 && ask > 0) {
                link.setRecalled(link.getRecalled() + ask);
                t.decided().send(ShardPlan.key(ShardPlan.shard(t.sku()).sku(), link.getShard()), new ShardRecall(link.getShard(),
                    location, ask, false, "wanted by another shard"));
            }
        }
    }

    /** Asks the shards for what a count took away that no recall asks for yet, those that hold most first. */
    private void recallDebt(Turn t, String location) {
        List<ShardLink> links = shardLinks(t, location);
        long uncovered = debt(t, location) - links.stream().mapToLong(ShardLink::getOwed).sum();
        links.sort(Comparator.comparingInt((ShardLink l) -> l.getLent() - l.getOwed()).reversed());
        for (ShardLink link : links) {
            int ask = (int) Math.min(uncovered, link.getLent() - link.getOwed());
            if (ask > 0) {
                link.setOwed(link.getOwed() + ask);
                uncovered -= ask;
                t.decided().send(ShardPlan.key(ShardPlan.shard(t.sku()).sku(), link.getShard()), new ShardRecall(link.getShard(),
                    location, ask, true, "a count of " + ShardPlan.shard(t.sku()).sku() + " at " + location + " took them away"));
            }
        }
    }

    /** Sends the shard {@code quantity} of home's physical at the location. */
    private void grant(Turn t, ShardLink link, int quantity) {
        if (quantity <= 0) {
            return;
        }
        adjustPhysical(t, link.getLocationId(), -quantity);
        link.setLent(link.getLent() + quantity);
        link.setGranted(link.getGranted() + quantity);
        t.decided().send(ShardPlan.key(ShardPlan.shard(t.sku()).sku(), link.getShard()),
            new ShardGrant(link.getShard(), link.getLocationId(), quantity));
    }

    private void settleShard(Turn t, String location, int need) {
        ShardLink home = link(t, HOME, location);
        int self = ShardPlan.shard(t.sku()).index();
        int physical = physical(t, location);
        if (physical < home.getLent()) {   // only completions take units off a shard's physical outside this protocol
            t.decided().send(home(t), new ShardReturn(self, location, 0, home.getLent() - physical, 0, false));
            home.setLent(physical);
        }
        if (need != wanting(home)) {
            home.setWant(need);
            home.setWantSeen(home.getGranted());
            home.setWantSequence(home.getWantSequence() + 1);
            t.decided().send(home(t), new ShardWant(self, location, need, home.getGranted(), home.getWantSequence()));
        }
    }

    /** What a shard's last want still asks of home: the want, less what home granted since the shard sent it. */
    private static int wanting(ShardLink link) {
        return (int) Math.max(0, link.getWant() - (link.getGranted() - link.getWantSeen()));
    }

    /**
     * Per location that tracks stock, what the shard's first {@link #WANT_LINES} waiting lines (in service order) that
     * could be served there lack. Bounded, because it is worked out at the end of every turn: a sold-out shard's queue
     * grows by a line per order, and counting all of it made each turn cost the length of the queue (a flash sale's
     * turns slowed down as it sold out). A longer queue wants again as grants serve the first lines; and while those do
     * not change, the want does not either, so a sold-out shard sends no want per order.
     */
    private Map<String, Integer> needs(Turn t) {
        Map<String, Long> needs = new TreeMap<>();
        for (LineReservation line : book.waiting(t.sku(), WANT_LINES)) {
            long lacking = line.getQuantity() - line.getAllocatedQuantity();
            if (lacking > 0) {
                router.stockedSites(line).forEach(site -> needs.merge(site.id(), lacking, Long::sum));
            }
        }
        Map<String, Integer> capped = new TreeMap<>();
        needs.forEach((location, need) -> capped.put(location, (int) Math.min(need, Limits.MAX_QUANTITY)));
        return capped;
    }

    /** The locations that track stock this turn may concern: stocked, linked, or needed. */
    private Set<String> locations(Turn t, Set<String> needed) {
        Set<String> all = new TreeSet<>(needed);
        all.addAll(t.stock().getLocations().keySet());
        ledgerOf(t).getLinks().forEach(link -> all.add(link.getLocationId()));
        all.removeIf(location -> !ledger.tracksStock(location));
        return all;
    }

    // ---- the books

    private static ShardLedger ledgerOf(Turn t) {
        if (t.stock().getShards() == null) {
            t.stock().setShards(new ShardLedger(new ArrayList<>(), new HashMap<>()));
        }
        return t.stock().getShards();
    }

    /** The link of that shard and location (created empty). */
    private static ShardLink link(Turn t, int shard, String location) {
        List<ShardLink> links = ledgerOf(t).getLinks();
        for (ShardLink link : links) {
            if (link.getShard() == shard && link.getLocationId().equals(location)) {
                return link;
            }
        }
        ShardLink link = ShardLink.newBuilder().setShard(shard).setLocationId(location).build();
        links.add(link);
        return link;
    }

    /** At home: the links of every other shard at the location (created empty), by shard. */
    private List<ShardLink> shardLinks(Turn t, String location) {
        List<ShardLink> links = new ArrayList<>();
        for (int k = 1; k < plan.shards(ShardPlan.shard(t.sku()).sku()); k++) {
            links.add(link(t, k, location));
        }
        return links;
    }

    private long lent(Turn t, String location) {
        return shardLinks(t, location).stream().mapToLong(ShardLink::getLent).sum();
    }

    private static int debt(Turn t, String location) {
        return t.stock().getShards() == null ? 0 : t.stock().getShards().getDebts().getOrDefault(location, 0);
    }

    private static String home(Turn t) {
        return ShardPlan.shard(t.sku()).sku();
    }

    private static int physical(Turn t, String location) {
        LocationStock s = t.stock().getLocations().get(location);
        return s == null ? 0 : s.getPhysical();
    }

    private static int free(Turn t, String location) {
        return Math.max(0, Ledger.available(t.stock(), location));
    }

    private static void adjustPhysical(Turn t, String location, int by) {
        LocationStock s = Ledger.location(t.stock(), location, t.at());
        s.setPhysical(s.getPhysical() + by);
        t.decided().stockChanged(location);
    }
}
