package dev.allotment.services.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DroppedMarkersTest {
    /** The line as Kafka 4.4.0's coordinator wrote it after a node's restart (docs/upstream/repro). */
    private static final String DROPPED = "[2026-12-07 10:23:45,416] INFO [Transaction Marker Channel Manager 1]: Couldn't find "
        + "leader endpoint for partitions HashSet(t2-1, __consumer_offsets-6, t0-3) while trying to send transaction markers "
        + "for repro-1, these partitions are likely deleted already and hence can be skipped "
        + "(kafka.coordinator.transaction.TransactionMarkerChannelManager)";

    @Test
    void findsEachDropWithItsTransactionalIdAndPartitionsInEveryLogFileOldestFirst(@TempDir Path logs) throws Exception {
        Files.writeString(logs.resolve("broker.log.2"), DROPPED.replace("repro-1", "newer") + "\n");
        Files.writeString(logs.resolve("broker.log.10"), DROPPED.replace("repro-1", "newest-rolled") + "\n");
        Files.writeString(logs.resolve("broker.log.1"), DROPPED.replace("repro-1", "older") + "\n");
        Files.writeString(logs.resolve("broker.log"), String.join("\n",
            "[2026-12-07 10:23:45,369] INFO [QuorumController id=1] Fencing broker 1 at epoch 445 because its session has timed out.",
            DROPPED,
            "[2026-12-07 10:23:45,407] WARN [TransactionCoordinator id=1] Connection to node 1 could not be established."));
        Files.writeString(logs.resolve("broker.out"), DROPPED + "\n");

        List<DroppedMarkers.Drop> drops = DroppedMarkers.in(logs);

        assertEquals(List.of(
            new DroppedMarkers.Drop("2026-12-07 10:23:45,416", "older", "t2-1, __consumer_offsets-6, t0-3"),
            new DroppedMarkers.Drop("2026-12-07 10:23:45,416", "newer", "t2-1, __consumer_offsets-6, t0-3"),
            new DroppedMarkers.Drop("2026-12-07 10:23:45,416", "newest-rolled", "t2-1, __consumer_offsets-6, t0-3"),
            new DroppedMarkers.Drop("2026-12-07 10:23:45,416", "repro-1", "t2-1, __consumer_offsets-6, t0-3")), drops);
    }

    @Test
    void aLineOfAnotherShapeIsKeptWholeAndNoLogsAreNoDrops(@TempDir Path logs) throws Exception {
        Files.writeString(logs.resolve("broker.log"), "something else; " + DroppedMarkers.SIGN + "\n");

        assertEquals("something else; " + DroppedMarkers.SIGN, DroppedMarkers.in(logs).get(0).partitions());
        assertTrue(DroppedMarkers.in(logs.resolve("absent")).isEmpty());
    }
}
