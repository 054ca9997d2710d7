package dev.allotment.streams.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderPlaced;
import dev.allotment.events.OrderProjection;
import dev.allotment.schemas.FramedAvroSerde;
import dev.allotment.schemas.SchemaIds;
import dev.allotment.streams.order.OrderFold;
import dev.allotment.streams.order.OrderRules;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.kafka.common.serialization.Serializer;

/**
 * {@link ProjectionFeedSerializer}: the feed's bytes of an order are exactly those of the order without its history's
 * positions encoded on its own, whether they are cut from the store's encoding of it just before or encoded afresh,
 * for any lines and any positions; and under a registry that gives each subject its own id, the feed's record carries
 * the feed's id, not the store's.
 */
class ProjectionFeedSerializerTest {
    private static final String CHANGELOG = "app-orders-changelog";
    private static final String FEED = "allotment.order-projections";

    /** A registry that gives every subject an id of its own, so that a frame copied from another topic would show. */
    private static final class IdPerSubject implements SchemaIds {
        final Map<String, Integer> ids = new ConcurrentHashMap<>();
        final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();

        @Override
        public int idOf(String subject, Schema schema) {
            return ids.computeIfAbsent(subject, s -> {
                int id = 7_000 + ids.size();
                schemas.put(id, schema);
                return id;
            });
        }

        @Override
        public Schema schemaOf(int id) {
            return schemas.get(id);
        }
    }

    private final FramedAvroSerde<OrderProjection> serde = new FramedAvroSerde<>(OrderProjection.class, new IdPerSubject(), false);
    private final Serializer<OrderProjection> store = serde.serializer();
    private final Serializer<OrderProjection> feed = ProjectionFeedSerializer.of(serde);

    @Provide
    Arbitrary<List<Long>> positions() {
        return Arbitraries.oneOf(Arbitraries.longs().between(0, 200), Arbitraries.longs().between(0, Long.MAX_VALUE),
            Arbitraries.longs()).list().ofMaxSize(300);
    }

    @Property(tries = 300)
    void theFeedsBytesAreTheOrderWithoutPositionsEncodedOnItsOwn(@ForAll @IntRange(min = 1, max = 40) int lines,
            @ForAll("positions") List<Long> positions, @ForAll boolean storeEncodedItFirst) {
        OrderProjection order = order(lines, positions);
        byte[] expected = store.serialize(FEED, OrderFold.withoutPositions(order));
        if (storeEncodedItFirst) {
            byte[] stored = store.serialize(CHANGELOG, order);
            assertNotNull(serde.lastEncoding(order), "the store's bytes are at hand: the feed's are cut from them");
            assertArrayEquals(expected, feed.serialize(FEED, order));
            assertEquals(order, serde.deserializer().deserialize(CHANGELOG, stored), "the store's bytes are not changed");
        } else {
            store.serialize(CHANGELOG, order(1, List.of()));   // another order last: the feed encodes this one afresh
            assertNull(serde.lastEncoding(order));
            assertArrayEquals(expected, feed.serialize(FEED, order));
        }
        OrderProjection read = serde.deserializer().deserialize(FEED, feed.serialize(FEED, order));
        assertEquals(OrderFold.withoutPositions(order), read);
        assertEquals(List.of(), read.getHistoryPositions());
    }

    @Example
    void historyPositionsIsTheProjectionsLastField() {
        List<Schema.Field> fields = OrderProjection.getClassSchema().getFields();
        assertEquals("history_positions", fields.get(fields.size() - 1).name(),
            "the feed's bytes are the store's with this field cut from their end");
    }

    @Property(tries = 300)
    void anArraysEncodedLengthIsWhatAvroWrites(@ForAll("positions") List<Long> longs) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<List<Long>>(Schema.createArray(Schema.create(Schema.Type.LONG))).write(longs, encoder);
        encoder.flush();
        assertEquals(out.size(), ProjectionFeedSerializer.encodedLength(longs));
    }

    @Example
    void aDeletionIsADeletion() {
        assertNull(feed.serialize(FEED, null));
    }

    private static OrderProjection order(int lines, List<Long> positions) {
        List<OrderLine> orderLines = new ArrayList<>();
        for (int i = 0; i < lines; i++) {
            orderLines.add(new OrderLine("l-" + i, "SKU-" + i * 7, 1 + i % 5));
        }
        Instant at = Instant.parse("2026-12-05T18:00:00Z");
        OrderProjection reserved = OrderRules.reserve(OrderPlaced.newBuilder().setOrderId("o-" + lines).setChannel("web")
            .setPriority(0).setPlacedAt(at).setLines(orderLines).build(), at);
        OrderProjection order = OrderProjection.newBuilder(reserved).setHistoryPositions(positions).build();
        return order;
    }
}
