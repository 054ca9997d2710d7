package dev.allotment.services.audit;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.LocationEvent;
import dev.allotment.events.LocationUpserted;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.StockEvent;
import dev.allotment.events.StockLevel;
import dev.allotment.events.StockLevelKey;
import dev.allotment.schemas.AvroSerdes;
import dev.allotment.schemas.Topics;
import dev.allotment.services.engine.KafkaConnection;
import dev.allotment.streams.audit.DecisionReplay;
import dev.allotment.streams.audit.StockReplay;
import dev.allotment.streams.support.DeadLetters;
import dev.allotment.streams.support.Guarded;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;

/**
 * Everything the engine's topics say, read from the beginning: the decision log and the stock events replayed as the
 * engine applied them (records it dead-lettered, or found away from their key's home partition, or whose command id it
 * had seen, are not applied), which locations track stock, and the latest of each projection topic.
 */
final class EngineLogs {
    final DecisionReplay decisions = new DecisionReplay();
    final StockReplay stock = new StockReplay();
    final Map<String, Boolean> tracksStock = new HashMap<>();
    /** Locations that did not track stock at some time: what was allocated there then was not limited by their stock. */
    final Set<String> untrackedOnce = new HashSet<>();
    final Map<DecisionReplay.At, StockLevel> stockLevels = new HashMap<>();
    final Map<String, OrderProjection> orderProjections = new HashMap<>();
    int decisionsRead;
    int stockEventsApplied;
    int deadLetters;

    /** Everything the topics of {@code topics} say, each read from its beginning to its end as of this call. */
    static EngineLogs read(String bootstrap, Topics topics, AvroSerdes serdes) {
        return read(KafkaConnection.of(bootstrap, null, Map.of()), topics, serdes);
    }

    /** The same through {@code bootstrap}'s settings (a secured cluster's). */
    static EngineLogs read(KafkaConnection bootstrap, Topics topics, AvroSerdes serdes) {
        EngineLogs logs = new EngineLogs();
        Map<String, String> deadLettered = logs.deadLettered(TopicSnapshot.read(bootstrap, topics.deadLetters()));
        logs.locations(TopicSnapshot.read(bootstrap, topics.locationEvents()), serdes);
        logs.decisions(TopicSnapshot.read(bootstrap, topics.allocationEvents()), serdes, deadLettered);
        logs.stock(TopicSnapshot.read(bootstrap, topics.stockEvents()), serdes, deadLettered);
        logs.stock.completed(logs.decisions.completions());
        logs.projections(TopicSnapshot.read(bootstrap, topics.stockLevels()), TopicSnapshot.read(bootstrap, topics.orderProjections()),
            serdes);
        return logs;
    }

    /** The coordinates (topic, partition, offset) of every record the engine dead-lettered, with the letter's reason. */
    private Map<String, String> deadLettered(TopicSnapshot letters) {
        Map<String, String> at = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : letters.records()) {
            deadLetters++;
            at.put(coordinates(DeadLetters.header(r.headers(), DeadLetters.TOPIC), DeadLetters.header(r.headers(), DeadLetters.PARTITION),
                DeadLetters.header(r.headers(), DeadLetters.OFFSET)), String.valueOf(DeadLetters.header(r.headers(), DeadLetters.REASON)));
        }
        return at;
    }

    private void locations(TopicSnapshot events, AvroSerdes serdes) {
        for (ConsumerRecord<byte[], byte[]> r : events.records()) {
            LocationEvent event = decodeOrNull(() -> serdes.value(LocationEvent.class).deserializer().deserialize(events.topic(), r.value()));
            if (event != null && event.getPayload() instanceof LocationUpserted l) {
                tracksStock.put(l.getLocationId(), l.getTracksStock());
                stock.located(l.getLocationId(), l.getTracksStock(), event.getOccurredAt());
                if (!l.getTracksStock()) {
                    untrackedOnce.add(l.getLocationId());
                }
            }
        }
    }

    private void decisions(TopicSnapshot log, AvroSerdes serdes, Map<String, String> deadLettered) {
        for (ConsumerRecord<byte[], byte[]> r : log.records()) {
            AllocationEvent event = deadLettered.containsKey(coordinates(r)) ? null
                : decodeOrNull(() -> serdes.value(AllocationEvent.class).deserializer().deserialize(log.topic(), r.value()));
            if (event != null) {
                String orderId = r.key() == null ? event.getOrderId() : new String(r.key(), StandardCharsets.UTF_8);
                decisions.apply(orderId, event.getPayload(), event.getOccurredAt());
                decisionsRead++;
            }
        }
    }

    /**
     * The stock events as the SKU's partition applied them. A command id decides once, at its first record: a refused
     * one (dead-lettered) too, since the engine answers its retries from the refusal it kept; only a record whose
     * processing was rolled back ({@link Guarded#ROLLED_BACK}) kept no outcome, and leaves its command to a retry.
     */
    void stock(TopicSnapshot events, AvroSerdes serdes, Map<String, String> deadLettered) {
        Set<String> commandsSeen = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : events.records()) {
            boolean home = r.key() != null && Utils.toPositive(Utils.murmur2(r.key())) % events.partitions() == r.partition();
            String letter = deadLettered.get(coordinates(r));
            StockEvent event = !home || (letter != null && letter.startsWith(Guarded.ROLLED_BACK)) ? null
                : decodeOrNull(() -> serdes.value(StockEvent.class).deserializer().deserialize(events.topic(), r.value()));
            if (event == null || (event.getCommandId() != null && !commandsSeen.add(event.getCommandId())) || letter != null) {
                continue;   // not applied: away from home (applied where it was forwarded), undecodable, a retry, or refused
            }
            Instant at = r.timestamp() >= 0 ? Instant.ofEpochMilli(r.timestamp()) : event.getOccurredAt();
            stock.applied(event.getPayload(), at);
            stockEventsApplied++;
        }
    }

    private void projections(TopicSnapshot levels, TopicSnapshot orders, AvroSerdes serdes) {
        for (ConsumerRecord<byte[], byte[]> r : levels.records()) {
            StockLevelKey key = decodeOrNull(() -> serdes.key(StockLevelKey.class).deserializer().deserialize(levels.topic(), r.key()));
            StockLevel level = decodeOrNull(() -> serdes.value(StockLevel.class).deserializer().deserialize(levels.topic(), r.value()));
            if (key != null && level != null) {
                stockLevels.put(new DecisionReplay.At(key.getSku(), key.getLocationId()), level);
            }
        }
        for (ConsumerRecord<byte[], byte[]> r : orders.records()) {
            OrderProjection order = decodeOrNull(() -> serdes.value(OrderProjection.class).deserializer().deserialize(orders.topic(), r.value()));
            if (order != null) {
                orderProjections.put(order.getOrderId(), order);
            }
        }
    }

    private static String coordinates(ConsumerRecord<byte[], byte[]> r) {
        return coordinates(r.topic(), Integer.toString(r.partition()), Long.toString(r.offset()));
    }

    private static String coordinates(String topic, String partition, String offset) {
        return topic + '\u0000' + partition + '\u0000' + offset;
    }

    private static <T> T decodeOrNull(java.util.function.Supplier<T> decode) {
        try {
            return decode.get();
        } catch (RuntimeException e) {
            return null;   // undecodable: the engine dead-lettered it too, and applied nothing of it
        }
    }
}
