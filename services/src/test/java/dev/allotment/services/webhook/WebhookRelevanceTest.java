package dev.allotment.services.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocationCancelled;
import dev.allotment.events.AllocationConfirmed;
import dev.allotment.events.AllocationEvent;
import dev.allotment.events.AllocationMode;
import dev.allotment.events.AllocationOutdated;
import dev.allotment.events.AllocationRequested;
import dev.allotment.events.AllocationTimedOut;
import dev.allotment.events.LineBackordered;
import dev.allotment.schemas.DecisionHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The engine marks a decision as no webhook's ({@link DecisionHeaders}) and the webhook sender then skips it undecoded,
 * so the mark must say "concerns webhooks" for every decision the sender acts on: a confirm-mode request, or a
 * request's end ({@link RequestNotifier.Ended}).
 */
class WebhookRelevanceTest {
    private static AllocationEvent event(Object payload) {
        AllocationEvent event = new AllocationEvent();
        event.setPayload(payload);
        return event;
    }

    private static AllocationRequested request(AllocationMode mode) {
        AllocationRequested request = new AllocationRequested();
        request.setConfirmMode(mode);
        return request;
    }

    @Test
    void theEngineMarksAsTheWebhookSendersOwnEveryDecisionItActsOnAndNoOther() {
        AllocationCancelled cancelled = new AllocationCancelled();
        cancelled.setAllocationId("a");
        AllocationOutdated outdated = new AllocationOutdated();
        outdated.setAllocationId("a");
        AllocationTimedOut timedOut = new AllocationTimedOut();
        timedOut.setAllocationId("a");
        List<Object> payloads = List.of(request(AllocationMode.CONFIRM), request(AllocationMode.DIRECT), cancelled, outdated,
            timedOut, new AllocationConfirmed(), new LineBackordered());
        int acted = 0;
        for (Object payload : payloads) {
            AllocationEvent e = event(payload);
            boolean actsOn = RequestNotifier.isConfirmRequest(e) || RequestNotifier.Ended.of(e).isPresent();
            acted += actsOn ? 1 : 0;
            assertEquals(actsOn, DecisionHeaders.concernsWebhooks(e), payload.getClass().getSimpleName());
            assertEquals(actsOn, DecisionHeaders.mayConcernWebhooks(DecisionHeaders.of(e)), payload.getClass().getSimpleName());
        }
        assertTrue(acted == 4, "a confirm-mode request and three ends");
    }
}
