package dev.allotment.streams.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/** When a client's active partitions are worked out again, and when the last answer stands. */
class ActivePartitionsTest {
    private final AtomicLong changes = new AtomicLong(4);
    private final AtomicReference<KafkaStreams.State> state = new AtomicReference<>(KafkaStreams.State.RUNNING);
    private final AtomicReference<SortedSet<Integer>> assigned = new AtomicReference<>(set(0, 2));
    private final AtomicInteger asked = new AtomicInteger();
    private final ActivePartitions active = new ActivePartitions(changes::get);
    private final Object client = new Object();

    private SortedSet<Integer> read(Object which, String topic) {
        return active.get(which, state::get, topic, metadata());
    }

    private Supplier<SortedSet<Integer>> metadata() {
        return () -> {
            asked.incrementAndGet();
            return assigned.get();
        };
    }

    @Test
    void aRunningClientIsAskedOnceUntilItsStateChanges() {
        assertEquals(set(0, 2), read(client, "orders"));
        assigned.set(set(1));   // its metadata cannot change without a change of state; were it to, the answer stands
        assertEquals(set(0, 2), read(client, "orders"));
        assertEquals(1, asked.get());

        changes.addAndGet(2);   // a rebalance: out of RUNNING and back
        assertEquals(set(1), read(client, "orders"));
        assertEquals(set(1), read(client, "orders"));
        assertEquals(2, asked.get());
    }

    @Test
    void aClientOutOfRunningIsAskedEveryTimeAndNothingIsKept() {
        state.set(KafkaStreams.State.REBALANCING);
        read(client, "orders");
        read(client, "orders");
        assertEquals(2, asked.get());

        state.set(KafkaStreams.State.RUNNING);
        assigned.set(set(3));
        assertEquals(set(3), read(client, "orders"), "what was read while rebalancing was not kept");
        assertEquals(3, asked.get());
    }

    @Test
    void anAnswerDuringWhichTheStateChangedIsNotKept() {
        Supplier<SortedSet<Integer>> moving = () -> {
            asked.incrementAndGet();
            changes.incrementAndGet();   // the client left RUNNING while its metadata was read
            return set(0, 2);
        };
        assertEquals(set(0, 2), active.get(client, state::get, "orders", moving));
        assigned.set(set(5));
        assertEquals(set(5), read(client, "orders"));
        assertEquals(2, asked.get());
    }

    @Test
    void eachTopicAndEachClientHasItsOwnAnswer() {
        assertEquals(set(0, 2), read(client, "orders"));
        assigned.set(set(1));
        assertEquals(set(1), read(client, "stock"));
        Object restarted = new Object();   // a client replaced (same topic) is asked, not answered from its predecessor
        assigned.set(set(7));
        assertEquals(set(7), read(restarted, "orders"));
        assertEquals(3, asked.get());
        assertEquals(set(7), read(restarted, "orders"));
        assertEquals(3, asked.get());
    }

    private static SortedSet<Integer> set(Integer... partitions) {
        return Collections.unmodifiableSortedSet(new TreeSet<>(List.of(partitions)));
    }
}
