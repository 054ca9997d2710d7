package dev.allotment.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocationCancelled;
import dev.allotment.events.AllocationEvent;
import dev.allotment.events.AllocationOutdated;
import dev.allotment.events.AllocationTimedOut;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DecisionHeadersTest {
    private static AllocationEvent event(Object payload) {
        AllocationEvent event = new AllocationEvent();   // only the payload's kind matters here
        event.setPayload(payload);
        return event;
    }

    @Test
    void aRequestsEndConcernsWebhooks() {
        assertTrue(DecisionHeaders.concernsWebhooks(event(new AllocationCancelled())));
        assertTrue(DecisionHeaders.concernsWebhooks(event(new AllocationOutdated())));
        assertTrue(DecisionHeaders.concernsWebhooks(event(new AllocationTimedOut())));
    }

    @Test
    void anUnmarkedRecordMayConcernWebhooksAndOnlyAZeroSaysItDoesNot() {
        assertTrue(DecisionHeaders.mayConcernWebhooks(null));
        assertTrue(DecisionHeaders.mayConcernWebhooks(new RecordHeaders()), "logged before the header, or by another writer");
        RecordHeaders yes = new RecordHeaders();
        yes.add(DecisionHeaders.WEBHOOK, "1".getBytes(StandardCharsets.US_ASCII));
        assertTrue(DecisionHeaders.mayConcernWebhooks(yes));
        RecordHeaders no = new RecordHeaders();
        no.add(DecisionHeaders.WEBHOOK, "0".getBytes(StandardCharsets.US_ASCII));
        assertFalse(DecisionHeaders.mayConcernWebhooks(no));
        no.add(DecisionHeaders.WEBHOOK, "1".getBytes(StandardCharsets.US_ASCII));
        assertTrue(DecisionHeaders.mayConcernWebhooks(no), "the last header counts");
    }

    @Test
    void theHeadersOfAnEventCarryOneMark() {
        AllocationEvent timedOut = event(new AllocationTimedOut());
        assertEquals(1, DecisionHeaders.of(timedOut).toArray().length);
        assertTrue(DecisionHeaders.mayConcernWebhooks(DecisionHeaders.of(timedOut)));
    }
}
