package dev.allotment.services.engine;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.ReservationCreated;
import dev.allotment.schemas.AvroSerdes;
import dev.allotment.schemas.Topics;
import dev.allotment.streams.state.DecisionLog;
import dev.allotment.streams.state.EngineUnavailableException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the decision log (allotment.allocation-events) at the offsets an order's history points to, for
 * {@code GET /orders/{id}/events}, {@code as_of} and the answers that look for a command's decisions in the history.
 * Any instance can read any partition: the log is a topic, not a store.
 *
 * <p>Reads are {@code read_committed}: the history points only at records the fold took, which were committed. A read
 * seeks to the first offset it lacks and polls; one fetch returns the batch around it, which often holds the order's
 * next events too. Consumers are pooled ({@value #CONSUMERS} at most, made when first needed, none in a group), and
 * events are cached by position ({@value #CACHED} at most, least recently used out): a record at an offset never changes,
 * and an answer that polls the history for its command's decisions asks for the same positions again and again.
 *
 * <p>An offset below the partition's start (the topic's retention deleted it) is absent from the answer, and the history
 * is then not whole. A read that cannot finish within its bound (the broker unreachable) throws
 * {@link EngineUnavailableException}: "unavailable", never a history with events missing.
 *
 * <p>{@value #MISSING} counts the events histories pointed to that the log no longer held (its retention deleted them)
 * or could not decode: an operator's sign that histories are being cut (each such answer also says
 * {@code "complete": false}).
 */
@Singleton
public class KafkaDecisionLog implements DecisionLog {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaDecisionLog.class);
    static final int CONSUMERS = 4;
    static final int CACHED = 50_000;
    static final String MISSING = "allotment.history.events.missing";
    /**
     * What one fetch asks for: nothing past the first record batch at the offset sought (the broker returns that batch
     * whole whatever the limit; the engine's producer writes batches of at most 16 KiB). An order's events lie a few
     * hundred bytes each among other orders' events; every byte fetched is read from the broker and parsed here.
     */
    private static final int FETCH_BYTES = 1;
    private final String topic;
    private final Deserializer<AllocationEvent> decoder;
    private final Duration bound;
    private final Supplier<Consumer<byte[], byte[]>> factory;
    private final Counter missing;
    /** A record that cannot be decoded is not cached: every history that points to it would log it again. */
    private final WarningThrottle undecodable = new WarningThrottle(WarningThrottle.EVERY);
    private final Semaphore permits = new Semaphore(CONSUMERS);
    private final ConcurrentLinkedQueue<Consumer<byte[], byte[]>> idle = new ConcurrentLinkedQueue<>();
    private final Map<Position, AllocationEvent> cache = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Position, AllocationEvent> eldest) {
            return size() > CACHED;
        }
    };
    private volatile boolean closed;

    private record Position(int partition, long offset) {}

    /** An order's reservation looked for ({@link #reservationAfter}): found once, kept (an order is reserved once). */
    private record Sought(int partition, String orderId) {}
    private final Map<Sought, Long> reservations = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Sought, Long> eldest) {
            return size() > CACHED / 10;
        }
    };

    public KafkaDecisionLog(Topics topics, AvroSerdes serdes, EngineSettings settings, MeterRegistry meters) {
        this(topics.allocationEvents(), serdes.value(AllocationEvent.class).deserializer(),
            settings.getHttp().getCommandTimeout(), () -> new KafkaConsumer<>(settings.getKafka().connection()
                .with(readerSettings().toArray()), new ByteArrayDeserializer(), new ByteArrayDeserializer()), meters);
    }

    /**
     * The readers' consumer settings (beside the connection's): committed records only, no group, no reset (an offset
     * out of range is answered, not skipped), small fetches, and no wait at the broker. A consumer fetches ahead after
     * each poll, and has one fetch in flight per broker; at the log's end the broker holds that fetch for
     * {@code fetch.max.wait.ms} (500 by default) waiting for data, and the next read's seek waited behind it.
     */
    static List<Object> readerSettings() {
        return List.of(ConsumerConfig.CLIENT_ID_CONFIG, "allotment-edge-decision-log",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none",
            ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, FETCH_BYTES,
            ConsumerConfig.FETCH_MAX_BYTES_CONFIG, FETCH_BYTES,
            ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 0,
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
    }

    KafkaDecisionLog(String topic, Deserializer<AllocationEvent> decoder, Duration bound,
                     Supplier<Consumer<byte[], byte[]>> factory, MeterRegistry meters) {
        this.topic = topic;
        this.decoder = decoder;
        this.bound = bound;
        this.factory = factory;
        this.missing = Counter.builder(MISSING)
            .description("events order histories point to that the decision log no longer holds (retention) or cannot decode")
            .register(meters);
    }

    @Override
    public Map<Long, AllocationEvent> read(int partition, Collection<Long> offsets) {
        Map<Long, AllocationEvent> found = new HashMap<>();
        NavigableSet<Long> wanted = new TreeSet<>();
        synchronized (cache) {
            for (long offset : offsets) {
                AllocationEvent event = cache.get(new Position(partition, offset));
                if (event != null) {
                    found.put(offset, event);
                } else {
                    wanted.add(offset);
                }
            }
        }
        if (wanted.isEmpty()) {
            return found;
        }
        long deadline = System.nanoTime() + bound.toNanos();
        int known = found.size();
        int asked = wanted.size();
        onPartition(partition, deadline, (consumer, log) -> {
            fetchAssigned(consumer, log, wanted, found, deadline);
            return null;
        });
        missing.increment(asked - (found.size() - known));
        return found;
    }

    /** What a reader does with its consumer, {@code log} resumed for it alone. */
    private interface Work<T> {
        T on(Consumer<byte[], byte[]> consumer, TopicPartition log);
    }

    /**
     * Runs {@code work} with a pooled reader that fetches {@code partition} alone ({@link #onlyFetching}), paused again
     * after; a reader that failed is closed, not pooled, and a Kafka failure is "unavailable".
     */
    private <T> T onPartition(int partition, long deadline, Work<T> work) {
        Consumer<byte[], byte[]> consumer = borrow(deadline);
        boolean healthy = false;
        try {
            TopicPartition log = new TopicPartition(topic, partition);
            onlyFetching(consumer, log, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            T result;
            try {
                result = work.on(consumer, log);
            } finally {
                consumer.pause(List.of(log));
            }
            healthy = true;
            return result;
        } catch (KafkaException e) {
            throw new EngineUnavailableException("cannot read the decision log " + topic + "-" + partition + ": " + e);
        } finally {
            giveBack(consumer, healthy);
        }
    }

    /**
     * Reads on from {@code after}, comparing keys and decoding only the order's records, until its reservation, the
     * search's bound or the log's end; a found reservation's offset is kept, so a history read again (an answer polling
     * it) does not search again. The reservation is mostly a few records on: the fold's mark is where it had read to when
     * the order was placed.
     */
    @Override
    public Optional<AllocationEvent> reservationAfter(int partition, String orderId, long after) {
        Sought sought = new Sought(partition, orderId);
        Long known;
        synchronized (cache) {
            known = reservations.get(sought);
        }
        if (known != null) {
            return Optional.ofNullable(read(partition, List.of(known)).get(known));
        }
        long deadline = System.nanoTime() + bound.toNanos();
        byte[] key = orderId.getBytes(StandardCharsets.UTF_8);
        Optional<Map.Entry<Long, AllocationEvent>> found = onPartition(partition, deadline,
            (consumer, log) -> searchOn(consumer, log, key, after, deadline));
        if (found.isEmpty()) {
            missing.increment();
            LOG.debug("decision log {}-{}: no reservation of order {} within {} offsets after {}", topic, partition, orderId,
                RESERVATION_SEARCH, after);
            return Optional.empty();
        }
        long offset = found.get().getKey();
        AllocationEvent reservation = found.get().getValue();
        synchronized (cache) {
            reservations.put(sought, offset);
            cache.put(new Position(partition, offset), reservation);
        }
        return Optional.of(reservation);
    }

    /** The order's first ReservationCreated after {@code after}, within {@link #RESERVATION_SEARCH} offsets of it. */
    private Optional<Map.Entry<Long, AllocationEvent>> searchOn(Consumer<byte[], byte[]> consumer, TopicPartition partition,
                                                               byte[] key, long after, long deadline) {
        long end = Math.min(after + 1 + RESERVATION_SEARCH, consumer.endOffsets(List.of(partition),
            Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))).getOrDefault(partition, 0L));
        long at = after + 1;
        consumer.seek(partition, at);
        while (at < end) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new EngineUnavailableException("the decision log " + partition + " did not answer within " + bound
                    + " (looking for a reservation after offset " + after + ")");
            }
            List<ConsumerRecord<byte[], byte[]>> records;
            try {
                records = consumer.poll(Duration.ofNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200))))
                    .records(partition);
            } catch (OffsetOutOfRangeException e) {
                return Optional.empty();   // the log no longer holds it (retention)
            }
            for (ConsumerRecord<byte[], byte[]> record : records) {
                if (record.offset() < end && Arrays.equals(key, record.key())) {
                    AllocationEvent event = decode(record);
                    if (event != null && event.getPayload() instanceof ReservationCreated) {
                        return Optional.of(Map.entry(record.offset(), event));
                    }
                }
            }
            at = consumer.position(partition);
        }
        return Optional.empty();
    }

    @Override
    public AllocationEvent decodeCopy(byte[] copy) {
        return decoder.deserialize(topic, copy);
    }

    /**
     * Lets {@code consumer} fetch {@code partition} alone. The first time, it is assigned every partition of the log, each
     * at a position (so that no poll asks to reset one) and paused; from then on a read resumes its partition and pauses
     * it again. A change of assignment re-registers the consumer's metrics of each partition: when each read assigned
     * its own partition, that was a fifth of a read's CPU.
     */
    private static void onlyFetching(Consumer<byte[], byte[]> consumer, TopicPartition partition, Duration timeout) {
        if (!consumer.assignment().contains(partition)) {
            List<TopicPartition> all = consumer.partitionsFor(partition.topic(), timeout).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (!all.contains(partition)) {
                throw new EngineUnavailableException("the decision log has no partition " + partition);
            }
            consumer.assign(all);
            all.forEach(p -> consumer.seek(p, 0));
            consumer.pause(all);
        }
        consumer.resume(List.of(partition));
    }

    /** Reads each of {@code wanted} into {@code found}, dropping the ones the partition no longer holds. */
    private void fetchAssigned(Consumer<byte[], byte[]> consumer, TopicPartition partition, NavigableSet<Long> wanted,
                               Map<Long, AllocationEvent> found, long deadline) {
        long at = -1;   // where the consumer will read next; -1 before the first seek
        while (!wanted.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new EngineUnavailableException("the decision log " + partition + " did not answer within " + bound
                    + " (still wanted offsets " + wanted.first() + "…)");
            }
            long next = wanted.first();
            if (at != next) {
                consumer.seek(partition, next);
                at = next;
            }
            List<ConsumerRecord<byte[], byte[]>> records;
            try {
                records = consumer.poll(Duration.ofNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200))))
                    .records(partition);
            } catch (OffsetOutOfRangeException e) {
                long start = consumer.beginningOffsets(List.of(partition), Duration.ofNanos(Math.max(1, left)))
                    .getOrDefault(partition, 0L);
                if (start <= next) {   // past the end rather than before the start: a log that was replaced
                    start = consumer.endOffsets(List.of(partition), Duration.ofNanos(Math.max(1, left)))
                        .getOrDefault(partition, next + 1);
                }
                LOG.debug("decision log {}: offsets below {} are gone (retention); histories that point there are not whole",
                    partition, start);
                wanted.headSet(Math.max(start, next + 1)).clear();
                at = -1;
                continue;
            }
            for (ConsumerRecord<byte[], byte[]> record : records) {
                if (wanted.remove(record.offset())) {
                    AllocationEvent event = decode(record);
                    if (event != null) {
                        found.put(record.offset(), event);
                        synchronized (cache) {
                            cache.put(new Position(partition.partition(), record.offset()), event);
                        }
                    }
                }
                at = record.offset() + 1;
            }
            if (!records.isEmpty()) {
                at = consumer.position(partition);
                // below the position, an offset not returned holds no committed record (a transaction's marker)
                wanted.headSet(at).clear();
            }
        }
    }

    private AllocationEvent decode(ConsumerRecord<byte[], byte[]> record) {
        try {
            return record.value() == null ? null : decoder.deserialize(topic, record.value());
        } catch (RuntimeException e) {   // the fold dead-letters such a record, so no history points to it
            long held = undecodable.admit(System.nanoTime());
            if (held >= 0) {
                LOG.warn("decision log {}-{} offset {} cannot be decoded; left out of the order history being read ({} like"
                    + " it held back since the last one logged; {} counts them all)", topic, record.partition(),
                    record.offset(), held, MISSING, e);
            }
            return null;
        }
    }

    private Consumer<byte[], byte[]> borrow(long deadline) {
        try {
            if (!permits.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new EngineUnavailableException("every reader of the decision log is busy");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineUnavailableException("interrupted while waiting to read the decision log");
        }
        Consumer<byte[], byte[]> consumer = idle.poll();
        if (consumer != null) {
            return consumer;
        }
        try {
            return factory.get();
        } catch (RuntimeException e) {
            permits.release();
            throw new EngineUnavailableException("cannot make a reader of the decision log: " + e);
        }
    }

    /** A consumer that failed is closed, not pooled: its state after a failure is not known. */
    private void giveBack(Consumer<byte[], byte[]> consumer, boolean healthy) {
        if (healthy && !closed) {
            idle.add(consumer);
        } else {
            closeQuietly(consumer);
        }
        permits.release();
    }

    @PreDestroy
    void close() {
        closed = true;
        for (Consumer<byte[], byte[]> consumer = idle.poll(); consumer != null; consumer = idle.poll()) {
            closeQuietly(consumer);
        }
    }

    private static void closeQuietly(Consumer<byte[], byte[]> consumer) {
        try {
            consumer.close();   // in no group: nothing to leave or commit
        } catch (RuntimeException e) {
            LOG.debug("closing a reader of the decision log", e);
        }
    }
}
