package dev.allotment.bench.engine;

import dev.allotment.events.AllocatedLine;
import dev.allotment.events.AllocationEvent;
import dev.allotment.events.AllocationRequested;
import dev.allotment.events.LineBackordered;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Watches the engine's decision log ({@code allocation-events}) as any downstream consumer would: {@code
 * read_committed}, so a decision counts only once the engine's transaction that took it has committed. Each
 * allocation ({@code AllocationRequested}, per line and location) and each backorder ({@code LineBackordered}: no
 * stock for the rest of a line) is handed to the listener with the units it decides.
 */
public final class Decisions implements AutoCloseable {
    /** One decision about {@code units} units of one line of one order; {@code allocated} false = backordered. */
    public interface Listener {
        void decided(String orderId, String lineId, String sku, String locationId, int units, boolean allocated, long seenNanos);
    }

    private final KafkaConsumer<String, AllocationEvent> consumer;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong allocatedUnits = new AtomicLong();
    private final AtomicLong backorderedUnits = new AtomicLong();
    private volatile Throwable failure;

    public Decisions(EngineStack stack, Listener listener) {
        consumer = new KafkaConsumer<>(stack.kafkaClient(
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000,
            ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10),
            new StringDeserializer(), stack.serdes().value(AllocationEvent.class).deserializer());
        String topic = stack.topics().allocationEvents();
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);  // resolve the end now: only decisions from here on count
        thread = new Thread(() -> {
            try {
                while (running.get()) {
                    for (ConsumerRecord<String, AllocationEvent> r : consumer.poll(Duration.ofMillis(50))) {
                        long now = System.nanoTime();
                        Object payload = r.value().getPayload();
                        if (payload instanceof AllocationRequested a) {
                            for (AllocatedLine line : a.getLines()) {
                                allocatedUnits.addAndGet(line.getQuantity());
                                listener.decided(r.key(), line.getLineId(), line.getSku(), a.getLocationId(), line.getQuantity(), true, now);
                            }
                        } else if (payload instanceof LineBackordered b) {
                            backorderedUnits.addAndGet(b.getQuantity());
                            listener.decided(r.key(), b.getLineId(), b.getSku(), null, b.getQuantity(), false, now);
                        }
                    }
                }
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                // closing
            } catch (Throwable t) {
                failure = t;
            }
        }, "bench-decisions");
        thread.setDaemon(true);
        thread.start();
    }

    public long allocatedUnits() {
        return allocatedUnits.get();
    }

    public long backorderedUnits() {
        return backorderedUnits.get();
    }

    /** Throws what stopped the watcher, if anything did. */
    public void check() {
        if (failure != null) {
            throw new IllegalStateException("the decision watcher failed", failure);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        consumer.wakeup();
        thread.join(10_000);
        consumer.close();
    }
}
