package dev.allotment.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.ConfirmMode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * The global stores' loaders tell how far this copy has read each topic: every record counts, the ones sent to the
 * dead letters too (else a copy that took a poison record would never look caught up, and every "not found" would
 * wait its full bound).
 */
class GlobalPositionsTopologyTest {
    @AutoClose
    private TopologyFixture fixture;

    @Test
    void everyLocationRecordTakenMovesThePositionPastItDeadLetteredOnesToo() throws Exception {
        fixture = TopologyFixture.start("allotment-test", StreamsConfig.EXACTLY_ONCE_V2);
        String topic = fixture.topics.locationEvents();
        assertEquals(0, fixture.globals.next(topic, 0), "nothing read yet");
        assertFalse(fixture.globals.reached(topic, Map.of(0, 1L)));

        fixture.location(TopologyFixture.warehouse("wh-a", ConfirmMode.DIRECT));
        assertEquals(1, fixture.globals.next(topic, 0));
        fixture.raw(topic).pipeInput("location:junk".getBytes(StandardCharsets.UTF_8),
            "not avro".getBytes(StandardCharsets.UTF_8));
        assertEquals(1, fixture.globalDeadLetters.size(), "the junk was dead-lettered");
        assertEquals(2, fixture.globals.next(topic, 0), "and still taken");
        fixture.routing("web", List.of("wh-a"));

        assertEquals(3, fixture.globals.next(topic, 0));
        assertTrue(fixture.globals.reached(topic, Map.of(0, 3L)));
        assertFalse(fixture.globals.reached(topic, Map.of(0, 4L)));
    }
}
