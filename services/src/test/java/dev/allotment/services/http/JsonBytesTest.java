package dev.allotment.services.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.allotment.events.AllocationProjection;
import dev.allotment.events.LineProjection;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.OrderStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonBytes} writes a view as Micronaut Serde (the HTTP edge's JSON everywhere else) writes it: the same bytes for
 * generated views of every kind of value a view holds, strings with quotes, backslashes, control characters and
 * characters beyond ASCII among them, and for the order view of a projection with nulls in it.
 */
class JsonBytesTest {
    private static final io.micronaut.serde.ObjectMapper SERDE = io.micronaut.serde.ObjectMapper.getDefault();
    private static final ObjectMapper JACKSON = new ObjectMapper();
    private static final String[] PIECES = {"a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\b", "\f", "\u0000",
        "\u0001", "\u001f", "\u007f", "é", "€", "\u2028", "😀", "order-1", "null", "{}", "[]", ":", ","};

    @Test
    void generatedViewsAreWrittenAsSerdeWritesThem() throws Exception {
        Random random = new Random(20261203L);
        for (int i = 0; i < 2_000; i++) {
            Map<String, Object> view = new LinkedHashMap<>();   // a view is a map at its top
            view.put(string(random), value(random, 0));
            view.put(string(random), value(random, 0));
            assertSame(view, "view " + i);
        }
    }

    @Test
    void theOrderViewOfAProjectionWithNullsIsWrittenAsSerdeWritesIt() throws Exception {
        Instant t = Instant.parse("2026-12-03T10:00:00.123456Z");
        OrderProjection order = OrderProjection.newBuilder().setOrderId("o-\"1\"").setChannel("web").setPlacedAt(t)
            .setStatus(OrderStatus.PARTIALLY_ALLOCATED).setCreatedAt(t).setUpdatedAt(t).setVersion(7)
            .setLines(List.of(LineProjection.newBuilder().setLineId("l-1").setSku("SKU-é").setQuantity(3).setAllocatedQuantity(1).build()))
            .setAllocations(List.of(AllocationProjection.newBuilder().setAllocationId("a-1").setLocationId("wh-1")
                .setStatus("sent").setLines(List.of()).setCreatedAt(t).setRequest(true).build()))
            .build();
        Map<String, Object> view = Views.order(order);
        assertEquals(null, view.get("cancel_reason"), "the projection's nulls are in the view");
        assertSame(view, "order view");
    }

    @Test
    void aValueNoViewHoldsIsRefusedNotWrittenSomehow() {
        assertThrows(IllegalArgumentException.class, () -> JsonBytes.of(Map.of("at", Instant.EPOCH)));
        assertThrows(IllegalArgumentException.class, () -> JsonBytes.of(List.of(Double.NaN)));
        assertEquals("[1.5,-2,true,null]", new String(JsonBytes.of(new ArrayList<>(java.util.Arrays.asList(1.5, -2L, true, null))),
            StandardCharsets.UTF_8));
    }

    private static void assertSame(Object view, String what) throws Exception {
        byte[] ours = JsonBytes.of(view);
        byte[] serde = SERDE.writeValueAsBytes(view);
        assertEquals(new String(serde, StandardCharsets.UTF_8), new String(ours, StandardCharsets.UTF_8), what);
        assertEquals(JACKSON.readTree(serde), JACKSON.readTree(ours), what + " read back");
    }

    private static Object value(Random random, int depth) {
        int kind = random.nextInt(depth >= 3 ? 5 : 7);
        return switch (kind) {
            case 0 -> null;
            case 1 -> random.nextBoolean();
            case 2 -> random.nextBoolean() ? (Object) random.nextInt() : (Object) random.nextLong();
            case 3, 4 -> string(random);
            case 5 -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = random.nextInt(5); i > 0; i--) {
                    map.put(string(random), value(random, depth + 1));
                }
                yield map;
            }
            default -> {
                List<Object> list = new ArrayList<>();
                for (int i = random.nextInt(5); i > 0; i--) {
                    list.add(value(random, depth + 1));
                }
                yield list;
            }
        };
    }

    private static String string(Random random) {
        StringBuilder s = new StringBuilder();
        for (int i = random.nextInt(6); i > 0; i--) {
            s.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return s.toString();
    }
}
