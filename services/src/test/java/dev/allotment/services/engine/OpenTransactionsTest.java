package dev.allotment.services.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.services.engine.OpenTransactions.Coordinated;
import dev.allotment.services.engine.OpenTransactions.Finding;
import dev.allotment.services.engine.OpenTransactions.Open;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpenTransactionsTest {
    static final long NOW = 1_000_000;
    static final long AFTER = 60_000;

    static Open open(String topic, int partition, long producerId, long ageMs) {
        return new Open(topic, partition, producerId, 3, 42, NOW - ageMs, 0);
    }

    static Finding only(Open o, Map<Long, Coordinated> coordinated) {
        List<Finding> found = OpenTransactions.judge(List.of(o), coordinated, NOW, AFTER);
        assertEquals(1, found.size(), found.toString());
        return found.get(0);
    }

    @Test
    void aTransactionYoungerThanTheBoundIsNotReported() {
        assertEquals(List.of(), OpenTransactions.judge(List.of(open("t", 0, 7, AFTER)), Map.of(), NOW, AFTER));
    }

    @Test
    void oneItsCoordinatorStillEndsIsOpenButNotHanging() {
        for (String state : List.of("ONGOING", "PREPARE_COMMIT", "PREPARE_ABORT", "PREPARE_EPOCH_FENCE")) {
            Finding f = only(open("t", 1, 7, AFTER + 1), Map.of(7L, new Coordinated("tx-7", 7, 3, state, Set.of("t-1", "u-0"))));
            assertFalse(f.hanging(), state);
            assertEquals(AFTER + 1, f.openForMs());
            assertEquals("tx-7", f.coordinator().orElseThrow().transactionalId());
        }
    }

    @Test
    void oneNoCoordinatorHoldsIsHanging() {
        assertTrue(only(open("t", 1, 7, AFTER + 1), Map.of()).hanging(), "its producer unknown to every coordinator");
        assertTrue(only(open("t", 1, 7, AFTER + 1), Map.of(7L, new Coordinated("tx-7", 7, 3, "ONGOING", Set.of("t-0", "u-1"))))
            .hanging(), "its producer's transaction is over other partitions");
        for (String state : List.of("COMPLETE_COMMIT", "COMPLETE_ABORT", "EMPTY", "UNKNOWN")) {
            assertTrue(only(open("t", 1, 7, AFTER + 1), Map.of(7L, new Coordinated("tx-7", 7, 3, state, Set.of("t-1")))).hanging(),
                state);
        }
        assertTrue(only(open("t", 1, 7, AFTER + 1), Map.of(7L, new Coordinated("tx-7", 8, 0, "ONGOING", Set.of("t-1")))).hanging(),
            "the transactional id now belongs to another producer");
    }

    @Test
    void aHangingOneWhoseCoordinatorMovedPastItsEpochLostItsMarkers() {
        // the records are of epoch 3 (open(...)); the coordinator ended that transaction: the producer is at 4 there
        for (String state : List.of("COMPLETE_COMMIT", "COMPLETE_ABORT", "EMPTY")) {
            Finding f = only(open("t", 1, 7, AFTER + 1), Map.of(7L, new Coordinated("tx-7", 7, 4, state, Set.of("t-1"))));
            assertTrue(f.hanging() && f.markersLost(), state);
        }
        Finding later = only(open("t", 1, 7, AFTER + 1), Map.of(7L, new Coordinated("tx-7", 7, 9, "ONGOING", Set.of("u-0"))));
        assertTrue(later.markersLost(), "a later transaction of the producer, over other partitions");

        Finding current = only(open("t", 1, 7, AFTER + 1), Map.of(7L, new Coordinated("tx-7", 7, 3, "COMPLETE_COMMIT", Set.of())));
        assertTrue(current.hanging());
        assertFalse(current.markersLost(), "records of the producer's current epoch: a write its coordinator never counted in");
        assertFalse(only(open("t", 1, 7, AFTER + 1), Map.of()).markersLost(), "no coordinator knows the producer");
        assertFalse(only(open("t", 1, 7, AFTER + 1), Map.of(7L, new Coordinated("tx-7", 7, 4, "ONGOING", Set.of("t-1"))))
            .markersLost(), "not hanging: its coordinator holds a transaction over the partition");
    }

    @Test
    void theOldestComeFirst() {
        List<Finding> found = OpenTransactions.judge(List.of(open("a", 0, 1, AFTER + 5), open("b", 0, 2, AFTER + 500),
            open("c", 0, 3, AFTER + 50)), Map.of(), NOW, AFTER);
        assertEquals(List.of("b", "c", "a"), found.stream().map(f -> f.open().topic()).toList());
    }

    @Test
    void theAbortCommandNamesThePartitionAndItsStartOffset() {
        assertEquals("kafka-transactions.sh --bootstrap-server k:9092 abort --topic allotment.commands --partition 3 "
            + "--start-offset 42", OpenTransactions.abortCommand("k:9092", open("allotment.commands", 3, 7, 0)));
    }
}
