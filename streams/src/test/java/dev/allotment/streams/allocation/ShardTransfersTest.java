package dev.allotment.streams.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.LineReservation;
import dev.allotment.events.LocationStock;
import dev.allotment.events.ReserveLine;
import dev.allotment.events.ShardGrant;
import dev.allotment.events.ShardLink;
import dev.allotment.events.ShardRecall;
import dev.allotment.events.ShardReturn;
import dev.allotment.events.ShardWant;
import dev.allotment.events.StockSet;
import dev.allotment.events.UpdateAllocation;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link ShardTransfers} by example: one SKU in 2 or 3 shards, each its own {@link SkuDesk} and book, on the desk
 * fixture's sites; the shop channel allocates from {@link DeskFixture#OTHER_WAREHOUSE} alone. Messages are held until
 * {@link Shards#deliverAll} so each example can read what was sent.
 */
class ShardTransfersTest {
    static final String AT = DeskFixture.OTHER_WAREHOUSE;

    /** The shards of {@link DeskFixture#SKU} and the messages between them, in flight in the order sent. */
    static final class Shards {
        final ShardPlan plan;
        final List<InMemorySkuBook> books = new ArrayList<>();
        final List<SkuDesk> desks = new ArrayList<>();
        final Deque<Decisions.ShardMessage> inFlight = new ArrayDeque<>();
        final List<Object> delivered = new ArrayList<>();
        final Instant now = DeskFixture.T0;
        int commands;

        Shards(int n) {
            plan = new ShardPlan(Map.of(DeskFixture.SKU, n), 1);
            for (int k = 0; k < n; k++) {
                InMemorySkuBook book = new InMemorySkuBook();
                books.add(book);
                desks.add(new SkuDesk(book, DeskFixture.LOCATIONS, plan));
            }
        }

        String key(int k) {
            return ShardPlan.key(DeskFixture.SKU, k);
        }

        /** A count of the SKU at home: {@code physical} in all, over every shard. */
        void count(int physical) {
            inFlight.addAll(desks.get(0).stock(DeskFixture.SKU, new StockSet(DeskFixture.SKU, AT, physical, null), now).shardMessages());
        }

        /** Places an order whose line the plan sends to shard {@code k}; its id. */
        String place(int k, int quantity) {
            String order = orderOn(k);
            inFlight.addAll(desks.get(k).command(key(k), "c-" + ++commands, order, new ReserveLine(DeskFixture.LINE, DeskFixture.SKU,
                quantity, DeskFixture.SHOP, 0, now, null, "al-" + order, false, null), now).shardMessages());
            return order;
        }

        /** A fresh order id the plan routes to shard {@code k}. */
        String orderOn(int k) {
            for (int i = commands + 1; ; i++) {
                String order = "o-" + i;
                if (plan.shardOf(DeskFixture.SKU, order) == k && books.get(k).linesOfOrder(key(k), order).isEmpty()) {
                    return order;
                }
            }
        }

        void complete(int k, String order) {
            String allocation = line(k, order).getAllocations().get(0).getAllocationId();
            inFlight.addAll(desks.get(k).command(key(k), "c-" + ++commands, order, new UpdateAllocation(allocation, null, now, null),
                now).shardMessages());
        }

        /** Every message in flight, in order, and those they send. */
        void deliverAll() {
            while (!inFlight.isEmpty()) {
                Decisions.ShardMessage m = inFlight.poll();
                delivered.add(m.payload());
                inFlight.addAll(desks.get(ShardPlan.shard(m.to()).index()).shardMessage(m.to(), m.payload(), now).shardMessages());
            }
        }

        <T> List<T> sent(Class<T> type) {
            List<T> all = new ArrayList<>();
            inFlight.stream().map(Decisions.ShardMessage::payload).filter(type::isInstance).map(type::cast).forEach(all::add);
            return all;
        }

        <T> List<T> delivered(Class<T> type) {
            return delivered.stream().filter(type::isInstance).map(type::cast).toList();
        }

        LocationStock level(int k) {
            return books.get(k).stock(key(k)).map(s -> s.getLocations().get(AT)).orElseThrow();
        }

        LineReservation line(int k, String order) {
            return books.get(k).line(key(k), order, DeskFixture.LINE).orElseThrow();
        }

        /** Home's link to shard {@code k} at the location. */
        ShardLink lentTo(int k) {
            return books.get(0).stock(key(0)).orElseThrow().getShards().getLinks().stream()
                .filter(l -> l.getShard() == k && l.getLocationId().equals(AT)).findFirst().orElseThrow();
        }

        int debt() {
            return books.get(0).stock(key(0)).orElseThrow().getShards().getDebts().getOrDefault(AT, 0);
        }
    }

    @Test
    void aCountAtHomeServesHomesWaitingLinesThenSpreadsWhatIsFreeEvenlyOverTheShards() {
        Shards shards = new Shards(3);
        String order = shards.place(0, 2);
        shards.count(11);

        assertEquals(List.of(new ShardGrant(1, AT, 3), new ShardGrant(2, AT, 3)), shards.sent(ShardGrant.class),
            "9 free after home's line took 2: 3 to each shard, 3 kept");
        assertEquals(5, shards.level(0).getPhysical(), "home took what it granted off its own physical when it sent it");
        assertEquals(2, shards.line(0, order).getAllocatedQuantity());
        shards.deliverAll();
        assertEquals(3, shards.level(1).getPhysical());
        assertEquals(3, shards.lentTo(2).getLent());
    }

    @Test
    void aShardShortForItsWaitingLinesWantsOnceAndHomeAnswersFromItsFreeUnits() {
        Shards shards = new Shards(2);
        shards.count(3);   // 3 free at home; 3 / 2 shards: 1 granted to shard 1
        shards.deliverAll();
        String first = shards.place(1, 3);
        String second = shards.place(1, 2);

        List<ShardWant> wants = shards.sent(ShardWant.class);
        assertEquals(2, wants.size(), "one want per change of what the shard lacks, not per line: " + wants);
        assertEquals(List.of(2, 4), wants.stream().map(ShardWant::getQuantity).toList(), "each says all it lacks there");
        shards.deliverAll();

        assertEquals(List.of(new ShardGrant(1, AT, 2)), shards.delivered(ShardGrant.class).subList(1, 2),
            "home answers the latest want from its 2 free units");
        assertEquals(3, shards.line(1, first).getAllocatedQuantity());
        assertEquals(0, shards.line(1, second).getAllocatedQuantity());
        assertTrue(shards.line(1, second).getWaiting());
        assertEquals(0, shards.level(0).getPhysical());
        ShardLink one = shards.lentTo(1);
        assertEquals(2, one.getWant() - (one.getGranted() - one.getWantSeen()),
            "home remembers what is still wanted (the want, less what it granted since), and answers it when stock rises");
        shards.count(5);   // shard 1 holds 3 of them
        shards.deliverAll();
        assertEquals(2, shards.line(1, second).getAllocatedQuantity());
    }

    @Test
    void aSoldOutShardWantsWhatItsFirstWaitingLinesLackAndWantsAgainAsTheyAreServed() {
        Shards shards = new Shards(2);
        int queued = ShardTransfers.WANT_LINES + 8;
        List<String> orders = new ArrayList<>();
        for (int i = 0; i < queued; i++) {
            orders.add(shards.place(1, 1));
        }
        List<Integer> wanted = shards.sent(ShardWant.class).stream().map(ShardWant::getQuantity).toList();
        assertEquals(ShardTransfers.WANT_LINES, wanted.size(), "no want once the first lines' need stops changing: " + wanted);
        assertEquals(ShardTransfers.WANT_LINES, wanted.get(wanted.size() - 1), "the want counts the first lines only");
        shards.deliverAll();

        shards.count(queued + 5);   // the want of 32 is granted, what rose beyond is spread; the rest is wanted again
        shards.deliverAll();
        for (String order : orders) {
            assertEquals(1, shards.line(1, order).getAllocatedQuantity(), order + " was served");
        }
        assertEquals(queued, shards.level(1).getAllocated());
        assertEquals(queued + 5, shards.level(0).getPhysical() + shards.lentTo(1).getLent(), "no unit created or lost");
    }

    @Test
    void aWantHomeCannotAnswerIsRecalledFromTheShardsThatWantNothingAndForwarded() {
        Shards shards = new Shards(3);
        shards.count(9);   // 3 to each shard
        shards.deliverAll();
        shards.place(0, 3);   // home's own line takes home's 3
        String order = shards.place(1, 5);   // takes shard 1's 3, lacks 2
        shards.deliverAll();

        ShardRecall recall = shards.delivered(ShardRecall.class).get(0);
        assertEquals(new ShardRecall(2, AT, 2, false, "wanted by another shard"), recall, "only shard 2 wants nothing");
        assertEquals(new ShardReturn(2, AT, 2, 0, 2, false), shards.delivered(ShardReturn.class).get(0));
        assertEquals(new ShardGrant(1, AT, 2), shards.delivered(ShardGrant.class).get(2), "forwarded to the shard that wanted");
        assertEquals(5, shards.line(1, order).getAllocatedQuantity());
        assertEquals(1, shards.level(2).getPhysical());
        assertEquals(0, shards.level(0).getPhysical() - shards.level(0).getAllocated());
    }

    @Test
    void aCountBelowWhatTheShardsHoldIsOwedAndTheShardGivesWayByTheShortfallRule() {
        Shards shards = new Shards(2);
        shards.count(10);   // 5 to shard 1
        shards.deliverAll();
        String order = shards.place(1, 4);
        shards.deliverAll();
        shards.count(2);   // shard 1 holds 5 of them: home's part is 0, and 3 are owed

        assertEquals(0, shards.level(0).getPhysical());
        assertEquals(3, shards.debt(), "what the count took away that shard 1 still holds");
        assertEquals(List.of(new ShardRecall(1, AT, 3, true, "a count of S1 at wh-b took them away")), shards.sent(ShardRecall.class));
        shards.deliverAll();

        assertEquals(2, shards.level(1).getPhysical(), "the shard met the count's recall from its physical");
        assertEquals(2, shards.line(1, order).getAllocatedQuantity(), "its 1 free unit was not enough: 2 allocated gave way");
        assertTrue(shards.line(1, order).getWaiting());
        assertEquals(0, shards.debt(), "the units given back paid the debt");
        assertEquals(0, shards.level(0).getPhysical(), "and none joined home's physical: the count stands, 2 in all");
        assertEquals(2, shards.lentTo(1).getLent());
    }

    @Test
    void aCompletionAtAShardIsToldHomeSoWhatItLentStaysTrue() {
        Shards shards = new Shards(2);
        shards.count(10);
        shards.deliverAll();
        String order = shards.place(1, 2);
        shards.complete(1, order);

        assertEquals(List.of(new ShardReturn(1, AT, 0, 2, 0, false)), shards.sent(ShardReturn.class),
            "nothing given back, 2 shipped");
        shards.deliverAll();
        assertEquals(3, shards.lentTo(1).getLent());
        assertEquals(3, shards.level(1).getPhysical());
        shards.count(8);
        assertEquals(5, shards.level(0).getPhysical(), "a count of 8 leaves home 8 less the 3 shard 1 holds");
        assertFalse(shards.sent(ShardRecall.class).stream().anyMatch(ShardRecall::getMust));
    }
}
