package dev.allotment.services.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.allotment.events.CommandOutcome;
import io.micronaut.http.HttpStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A retry whose first call was decided but never answered is answered from the first call's outcomes: the first
 * refusal's status and reason, or 200 with what each part did; never the edge's check of the retry against state the
 * first call changed.
 */
class IdempotencyReplayTest {
    private static CommandOutcome outcome(String id, boolean accepted, String code) {
        return new CommandOutcome(id, "o-1", accepted, code, accepted ? null : "why", List.of("al-1"), Instant.EPOCH, 1, "supplier-1",
            null, null, null, "allotment.commands", 1, 41L);
    }

    @Test
    void acceptedPartsReplayAs200WithWhatEachDid() {
        IdempotencyKeys.Replayed replay = IdempotencyKeys.replayOf(List.of(outcome("s~k:answer:F-4:sup-c", true, null)));
        assertEquals(HttpStatus.OK, replay.status());
        assertEquals("ok", replay.body().get("status"));
        assertEquals(true, replay.body().get("replayed"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results = (List<Map<String, Object>>) replay.body().get("results");
        assertEquals("s~k:answer:F-4:sup-c", results.get(0).get("command_id"));
        assertEquals(List.of("al-1"), results.get(0).get("allocation_ids"));
    }

    @Test
    void aRefusedPartReplaysAsItsRefusal() {
        IdempotencyKeys.Replayed replay = IdempotencyKeys.replayOf(List.of(outcome("s~k:0:F-4", true, null),
            outcome("s~k:0:F-5", false, "insufficient_stock")));
        assertEquals(HttpStatus.CONFLICT, replay.status());
        assertEquals("insufficient_stock", replay.body().get("error"));
    }
}
