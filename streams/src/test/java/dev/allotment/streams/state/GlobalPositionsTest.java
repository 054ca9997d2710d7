package dev.allotment.streams.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.junit.jupiter.api.Test;

class GlobalPositionsTest {
    @Test
    void aPositionIsTheOffsetAfterTheLastRecordTakenAndNeverMovesBack() {
        GlobalPositions positions = new GlobalPositions();
        positions.took("t", 0, 4);
        assertEquals(5, positions.next("t", 0));
        positions.took("t", 0, 2);   // a record read again (the copy restored from an older checkpoint)
        assertEquals(5, positions.next("t", 0));
        assertEquals(0, positions.next("t", 1));
        assertEquals(0, positions.next("other", 0));
    }

    @Test
    void aTopicIsReachedWhenEveryPartitionIsAtItsEndOffset() {
        GlobalPositions positions = new GlobalPositions();
        positions.took("t", 0, 9);
        assertTrue(positions.reached("t", Map.of(0, 10L)));
        assertFalse(positions.reached("t", Map.of(0, 10L, 1, 1L)), "partition 1 not read");
        assertTrue(positions.reached("t", Map.of(0, 10L, 1, 0L)), "partition 1 is empty");
        assertTrue(positions.reached("t", Map.of()));
    }

    @Test
    void aCopyRestoredFromACheckpointAtTheEndHasTakenEverythingBelowItThoughItsLoaderRanOnNothing() {
        GlobalPositions positions = new GlobalPositions();
        StateRestoreListener listener = positions.restoreListener(Set.of("locations"));
        TopicPartition p0 = new TopicPartition("t", 0);
        listener.onRestoreStart(p0, "locations", 7, 7);
        assertEquals(0, positions.next("t", 0), "not before the restore has ended");
        listener.onRestoreEnd(p0, "locations", 0);
        assertEquals(7, positions.next("t", 0));
        assertTrue(positions.reached("t", Map.of(0, 7L)));

        TopicPartition p1 = new TopicPartition("t", 1);
        listener.onRestoreStart(p1, "locations", 0, 0);   // an empty partition
        listener.onRestoreEnd(p1, "locations", 0);
        assertEquals(0, positions.next("t", 1));

        TopicPartition changelog = new TopicPartition("app-orders-changelog", 0);
        listener.onRestoreStart(changelog, "orders", 0, 100);   // a task's store, not a global one
        listener.onRestoreEnd(changelog, "orders", 100);
        assertEquals(0, positions.next("app-orders-changelog", 0));
    }
}
