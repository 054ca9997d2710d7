package dev.allotment.services.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.allotment.events.AllocationProjection;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.OrderStatus;
import dev.allotment.streams.state.FoundRequest;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What one instance reads of another's answer: a frame encoded is decoded to the same values, and anything else (cut
 * short, with bytes left over, a count it cannot hold, random bytes) is refused as "not a frame", which the asker takes
 * for "this copy does not answer", never for an empty answer and never at the cost of memory it cannot have.
 */
class StateFramesTest {
    private static final Instant T = Instant.parse("2026-12-02T10:00:00Z");

    static OrderProjection order(String id) {
        return OrderProjection.newBuilder().setOrderId(id).setChannel("web").setPlacedAt(T).setStatus(OrderStatus.ALLOCATED)
            .setCreatedAt(T).setUpdatedAt(T).setLines(List.of()).setAllocations(List.of(AllocationProjection.newBuilder()
                .setAllocationId("r-" + id).setLocationId("sup-1").setStatus("sent").setLines(List.of()).setCreatedAt(T)
                .setRequest(true).build())).build();
    }

    @Test
    void aFrameOfRecordsOrRequestsReadsBackTheSame() {
        List<OrderProjection> orders = List.of(order("o-1"), order("o-2"));
        assertEquals(orders, StateFrames.decode(StateFrames.encode(orders, StateFrames.records()),
            StateFrames.records(OrderProjection.class)));
        FoundRequest found = new FoundRequest(order("o-3"), order("o-3").getAllocations().get(0));
        List<FoundRequest> back = StateFrames.decode(StateFrames.encode(List.of(found), InternalQueries::writeFoundRequest),
            InternalQueries::readFoundRequest);
        assertEquals(found.request().getAllocationId(), back.get(0).request().getAllocationId());
        assertEquals(List.of(), StateFrames.decode(StateFrames.encode(List.<OrderProjection>of(), StateFrames.records()),
            StateFrames.records(OrderProjection.class)));
    }

    @Test
    void aFrameCutShortOrWithBytesLeftOverIsRefused() {
        byte[] frame = StateFrames.encode(List.of(order("o-1"), order("o-2")), StateFrames.records());
        for (int length = 0; length < frame.length; length++) {
            byte[] cut = Arrays.copyOf(frame, length);
            assertThrows(IllegalArgumentException.class, () -> StateFrames.decode(cut, StateFrames.records(OrderProjection.class)),
                "cut to " + length + " of " + frame.length + " bytes");
        }
        byte[] longer = Arrays.copyOf(frame, frame.length + 3);
        assertThrows(IllegalArgumentException.class, () -> StateFrames.decode(longer, StateFrames.records(OrderProjection.class)));
    }

    @Test
    void aCountPastWhatTheBytesCanHoldIsRefusedBeforeAnythingIsAllocated() {
        // zig-zag varint of 2^30: a frame that claims a billion values in five bytes
        byte[] huge = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08};
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> StateFrames.decode(huge, StateFrames.records(OrderProjection.class)));
        assertEquals(true, refused.getMessage().contains("count"), refused.getMessage());
        byte[] negative = {0x01};   // zig-zag -1
        assertThrows(IllegalArgumentException.class, () -> StateFrames.decode(negative, StateFrames.records(OrderProjection.class)));
    }

    @Test
    void randomBytesAreNeverReadAsValues() {
        Random random = new Random(16);
        for (int i = 0; i < 2_000; i++) {
            byte[] noise = new byte[1 + random.nextInt(64)];
            random.nextBytes(noise);
            noise[0] = (byte) (2 + 2 * random.nextInt(3));   // a plausible count of 1 to 3, so the values are read
            assertThrows(IllegalArgumentException.class,
                () -> StateFrames.decode(noise, InternalQueries::readFoundRequest), "noise " + Arrays.toString(noise));
        }
    }
}
