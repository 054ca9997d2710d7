package dev.allotment.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scan every expiry index relies on (command outcomes, order histories, group deadlines): {@code range("", due)}
 * over a store with the engine's own Streams settings, transactional state stores included, returns the keys up to
 * {@code due} and no further, whether they were written in an earlier commit or in this one. With those stores on,
 * Kafka Streams 4.4.0's {@code range(null, due)} returned every key, and the expiry sweeps forgot outcomes, histories
 * and deadlines before their time.
 */
class ExpiryScanTest {
    @Test
    void aScanFromTheEmptyKeyStopsAtItsUpperBound(@TempDir Path stateDir) throws Exception {
        List<List<String>> scans = new ArrayList<>();
        Topology topology = new Topology();
        topology.addSource("in", Serdes.String().deserializer(), Serdes.String().deserializer(), "in");
        topology.addProcessor("p", () -> new Processor<String, String, Void, Void>() {
            private KeyValueStore<String, String> store;

            @Override
            public void init(ProcessorContext<Void, Void> context) {
                store = context.getStateStore("index");
            }

            @Override
            public void process(Record<String, String> record) {
                if (record.value().equals("scan")) {
                    store.put("003", "written in this commit");
                    store.put("005", "written in this commit");
                    List<String> keys = new ArrayList<>();
                    try (KeyValueIterator<String, String> it = store.range("", record.key())) {
                        it.forEachRemaining(kv -> keys.add(kv.key));
                    }
                    scans.add(keys);
                } else {
                    store.put(record.key(), record.value());
                }
            }
        }, "in");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("index"), Serdes.String(),
            Serdes.String()), "p");
        Properties props = EngineStreamsConfig.defaults("expiry-scan", "unused:9092", stateDir.toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, props)) {
            TestInputTopic<String, String> in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
            for (String key : List.of("001", "002", "004", "006")) {
                in.pipeInput(key, "committed");
            }
            in.pipeInput("004", "scan");
        }
        assertEquals(List.of(List.of("001", "002", "003", "004")), scans);
    }
}
