package dev.allotment.services.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The commit rule: never past a delivery that is not reported yet, per partition. */
class OffsetLedgerTest {
    static final TopicPartition P0 = new TopicPartition("events", 0);
    static final TopicPartition P1 = new TopicPartition("events", 1);

    @Test
    void commitsStopAtTheLowestUnreportedDeliveryAndPassOnceItIsReported() {
        OffsetLedger ledger = new OffsetLedger();
        ledger.read(P0, 10, false);
        ledger.read(P0, 11, true);
        ledger.read(P0, 12, true);
        ledger.read(P0, 13, false);
        assertEquals(Map.of(P0, new OffsetAndMetadata(11)), ledger.advanced());
        ledger.committed(ledger.advanced());
        assertTrue(ledger.advanced().isEmpty(), "nothing new to commit");

        ledger.reported(P0, 12);
        assertTrue(ledger.advanced().isEmpty(), "11 is still out, so 12 being reported changes nothing");
        ledger.reported(P0, 11);
        assertEquals(Map.of(P0, new OffsetAndMetadata(14)), ledger.advanced(), "everything read is done");
    }

    @Test
    void partitionsAreIndependentAndForgottenOnesAreIgnored() {
        OffsetLedger ledger = new OffsetLedger();
        ledger.read(P0, 5, true);
        ledger.read(P1, 7, false);
        assertEquals(Map.of(P0, new OffsetAndMetadata(5), P1, new OffsetAndMetadata(8)), ledger.safe(List.of(P0, P1)));
        ledger.forget(List.of(P0));
        ledger.reported(P0, 5);
        assertEquals(Map.of(P1, new OffsetAndMetadata(8)), ledger.safe(List.of(P0, P1)), "a revoked partition is not committed");
        assertEquals(0, ledger.open(P0));
    }
}
