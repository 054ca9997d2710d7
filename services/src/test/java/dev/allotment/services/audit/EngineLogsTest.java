package dev.allotment.services.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.allotment.events.StockAdjusted;
import dev.allotment.events.StockEvent;
import dev.allotment.schemas.InMemoryAvroSerdes;
import dev.allotment.streams.allocation.RefusalCode;
import dev.allotment.streams.audit.DecisionReplay;
import dev.allotment.streams.support.Guarded;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The stock events as the engine applied them: a command id decides at its first record, so a retry of a refused
 * adjustment (published again while the first was not decided yet) is not applied by the audit either. The fault suite
 * found the audit applying such a retry.
 */
class EngineLogsTest {
    static final String TOPIC = "t.stock-events";
    final InMemoryAvroSerdes serdes = new InMemoryAvroSerdes();
    final DecisionReplay.At place = new DecisionReplay.At("SKU-1", "wh-1");

    private ConsumerRecord<byte[], byte[]> adjustment(long offset, String commandId, int delta) {
        StockEvent event = new StockEvent("e-" + offset, Instant.parse("2026-11-25T10:00:00Z"), commandId, "platform",
            new StockAdjusted("SKU-1", "wh-1", delta, "damaged"));
        return new ConsumerRecord<>(TOPIC, 0, offset, "SKU-1".getBytes(StandardCharsets.UTF_8),
            serdes.value(StockEvent.class).serializer().serialize(TOPIC, event));
    }

    private EngineLogs replay(Map<String, String> deadLettered, List<ConsumerRecord<byte[], byte[]>> records) {
        EngineLogs logs = new EngineLogs();
        logs.stock(new TopicSnapshot(TOPIC, 1, records), serdes, deadLettered);
        return logs;
    }

    private static String letterAt(long offset) {
        return TOPIC + '\u0000' + 0 + '\u0000' + offset;
    }

    @Test
    void aRetryOfAnAppliedAdjustmentIsNotAppliedAgain() {
        EngineLogs logs = replay(Map.of(), List.of(adjustment(0, "k-1:adjust:0", 5), adjustment(1, "k-1:adjust:0", 5)));
        assertEquals(1, logs.stockEventsApplied);
        assertEquals(5, logs.stock.physical(place));
    }

    @Test
    void aRetryOfARefusedAdjustmentIsNotAppliedEither() {
        EngineLogs logs = replay(Map.of(letterAt(0), RefusalCode.BELOW_ALLOCATED.wire() + ": physical 24 would be below 26"),
            List.of(adjustment(0, "k-1:adjust:0", -2), adjustment(1, "k-1:adjust:0", -2), adjustment(2, "k-2:adjust:0", 3)));
        assertEquals(1, logs.stockEventsApplied);
        assertEquals(3, logs.stock.physical(place));
    }

    @Test
    void aRetryOfARecordWhoseProcessingWasRolledBackIsApplied() {
        EngineLogs logs = replay(Map.of(letterAt(0), Guarded.ROLLED_BACK + "IllegalStateException: a bug"),
            List.of(adjustment(0, "k-1:adjust:0", -2), adjustment(1, "k-1:adjust:0", -2)));
        assertEquals(1, logs.stockEventsApplied);
        assertEquals(-2, logs.stock.physical(place));
    }
}
