package dev.allotment.services.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * An outcome is answered once the engine's committed offset is past the record that decided it: a committed offset
 * names the next record to read, so the record at offset 41 is committed by 42, not by 41.
 */
class CommitWatchTest {
    private static final TopicPartition COMMANDS_1 = new TopicPartition("allotment.commands", 1);

    @Test
    void aRecordIsCommittedOnceTheGroupsOffsetIsPastIt() {
        assertFalse(CommitWatch.covers(Map.of(COMMANDS_1, 41L), COMMANDS_1, 41), "41 is still to be read");
        assertTrue(CommitWatch.covers(Map.of(COMMANDS_1, 42L), COMMANDS_1, 41));
        assertFalse(CommitWatch.covers(Map.of(new TopicPartition("allotment.commands", 2), 99L), COMMANDS_1, 41),
            "another partition's offset says nothing of this one");
        assertFalse(CommitWatch.covers(Map.of(), COMMANDS_1, 0), "nothing committed yet");
    }
}
