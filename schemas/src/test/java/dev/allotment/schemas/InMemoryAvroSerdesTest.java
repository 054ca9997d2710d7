package dev.allotment.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.allotment.events.OrderCancelled;
import dev.allotment.events.OrderEvent;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class InMemoryAvroSerdesTest {
    private final InMemoryAvroSerdes serdes = new InMemoryAvroSerdes();
    private final Serde<OrderEvent> serde = serdes.value(OrderEvent.class);

    @Test
    void writesTheConfluentWireFormatAndReadsItBack() {
        OrderEvent event = OrderEvent.newBuilder().setEventId("e-1").setOccurredAt(Instant.ofEpochMilli(1000))
            .setPayload(OrderCancelled.newBuilder().setOrderId("o-1").setReason("test").build()).build();
        byte[] bytes = serde.serializer().serialize("t", event);
        assertEquals(0, bytes[0], "magic byte");
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        assertEquals(OrderEvent.getClassSchema(), serdes.schema(id));
        assertEquals(event, serde.deserializer().deserialize("t", bytes));
    }

    @Test
    void refusesBytesWithoutTheMagicByte() {
        assertThrows(SerializationException.class,
            () -> serde.deserializer().deserialize("t", "{\"order_id\":1}".getBytes()));
    }
}
