package dev.allotment.bench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class EngineReadyTest {
    @Test
    void theLastSkuOfEachPartitionIsWhereTheDefaultPartitionerPutsItLast() {
        List<Integer> last = EngineReady.lastSkuOfEachPartition(1000, 4);
        assertEquals(4, last.size());
        for (int p = 0; p < 4; p++) {
            int sku = last.get(p);
            byte[] key = Platform.sku(sku).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(p, BuiltInPartitioner.partitionForKey(key, 4), "the producer's own partitioner");
            for (int later = sku + 1; later < 1000; later++) {
                assertEquals(true, EngineReady.partitionOf(Platform.sku(later), 4) != p, "SKU " + later + " comes later on " + p);
            }
        }
        assertEquals(List.of(0), EngineReady.lastSkuOfEachPartition(1, 1));
    }

    @Test
    void severalCommitIntervalsRecordOneFlightRecordingEach() {
        assertEquals(Path.of("/tmp/engine-ci50.jfr"), EngineScenarios.jfrFor(Path.of("/tmp/engine.jfr"), 50, true));
        assertEquals(Path.of("engine-ci200"), EngineScenarios.jfrFor(Path.of("engine"), 200, true));
        assertEquals(Path.of("/tmp/engine.jfr"), EngineScenarios.jfrFor(Path.of("/tmp/engine.jfr"), 50, false));
        assertEquals(null, EngineScenarios.jfrFor(null, 50, true));
    }
}
