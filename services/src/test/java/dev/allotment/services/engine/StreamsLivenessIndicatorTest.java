package dev.allotment.services.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.Set;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

class StreamsLivenessIndicatorTest {
    @Test
    void onlyAStateKafkaStreamsNeverLeavesByItselfIsDead() {
        Set<KafkaStreams.State> dead = EnumSet.noneOf(KafkaStreams.State.class);
        for (KafkaStreams.State state : KafkaStreams.State.values()) {
            if (StreamsLivenessIndicator.failed(state, false)) {
                dead.add(state);
            }
        }
        // starting, restoring and rebalancing instances are alive: a probe that killed them would start the work again
        assertEquals(EnumSet.of(KafkaStreams.State.ERROR, KafkaStreams.State.PENDING_ERROR,
            KafkaStreams.State.NOT_RUNNING, KafkaStreams.State.PENDING_SHUTDOWN), dead);
    }

    @Test
    void aDrainedInstanceIsStoppedOnPurposeNotDead() {
        assertEquals(false, StreamsLivenessIndicator.failed(KafkaStreams.State.NOT_RUNNING, true));
        assertEquals(false, StreamsLivenessIndicator.failed(KafkaStreams.State.PENDING_SHUTDOWN, true));
        assertEquals(true, StreamsLivenessIndicator.failed(KafkaStreams.State.ERROR, true));
    }
}
