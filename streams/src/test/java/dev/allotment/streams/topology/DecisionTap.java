package dev.allotment.streams.topology;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.ReservationCreated;
import dev.allotment.streams.state.DecisionLog;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The driver's allotment.allocation-events, read by the tests as they come (what the output topic gave) and kept whole
 * as the decision log the order histories point into. The driver has one partition and numbers the records that reach
 * an input topic as it enqueues them, so the record a test reads n-th is at offset n, as long as no test pipes a record
 * into allotment.allocation-events itself (the poison test does, and reads no history).
 */
final class DecisionTap implements DecisionLog {
    private final TestOutputTopic<String, AllocationEvent> topic;
    private final Deserializer<AllocationEvent> decoder;
    private final String topicName;
    private final List<TestRecord<String, AllocationEvent>> log = new ArrayList<>();
    /** How many of {@link #log} the test has read. */
    private int read;

    DecisionTap(TestOutputTopic<String, AllocationEvent> topic, String topicName, Deserializer<AllocationEvent> decoder) {
        this.topic = topic;
        this.topicName = topicName;
        this.decoder = decoder;
    }

    List<TestRecord<String, AllocationEvent>> readRecordsToList() {
        drain();
        List<TestRecord<String, AllocationEvent>> unread = List.copyOf(log.subList(read, log.size()));
        read = log.size();
        return unread;
    }

    List<AllocationEvent> readValuesToList() {
        return readRecordsToList().stream().map(TestRecord::value).toList();
    }

    AllocationEvent readValue() {
        drain();
        if (read == log.size()) {
            throw new java.util.NoSuchElementException("no unread record in " + topicName);
        }
        return log.get(read++).value();
    }

    @Override
    public Map<Long, AllocationEvent> read(int partition, Collection<Long> offsets) {
        drain();
        Map<Long, AllocationEvent> found = new HashMap<>();
        for (long offset : offsets) {
            if (offset < log.size()) {
                found.put(offset, log.get((int) offset).value());
            }
        }
        return found;
    }

    @Override
    public Optional<AllocationEvent> reservationAfter(int partition, String orderId, long after) {
        drain();
        for (long offset = after + 1; offset < Math.min(log.size(), after + 1 + RESERVATION_SEARCH); offset++) {
            TestRecord<String, AllocationEvent> record = log.get((int) offset);
            if (record.key().equals(orderId) && record.value().getPayload() instanceof ReservationCreated) {
                return Optional.of(record.value());
            }
        }
        return Optional.empty();
    }

    @Override
    public AllocationEvent decodeCopy(byte[] copy) {
        return decoder.deserialize(topicName, copy);
    }

    private void drain() {
        log.addAll(topic.readRecordsToList());
    }
}
