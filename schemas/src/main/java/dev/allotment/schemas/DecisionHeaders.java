package dev.allotment.schemas;

import dev.allotment.events.AllocationCancelled;
import dev.allotment.events.AllocationEvent;
import dev.allotment.events.AllocationMode;
import dev.allotment.events.AllocationOutdated;
import dev.allotment.events.AllocationRequested;
import dev.allotment.events.AllocationTimedOut;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The header the engine puts on every decision it logs ({@code allocation-events}): {@value #WEBHOOK} is {@code 1} when
 * the decision concerns a supplier's webhook (an allocation request at a confirm-mode location, or a request's
 * cancellation, outdating or time-out), else {@code 0}. The webhook sender reads every decision; with the header it
 * decodes only those it sends (decoding all of them whole was 4–6 % of the engine's CPU in the steady and flash-sale
 * profiles). A record without the header (logged before it, or by another writer) is decoded, as before.
 */
public final class DecisionHeaders {
    /** The header's name. */
    public static final String WEBHOOK = "allotment.webhook";
    private static final byte[] YES = "1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NO = "0".getBytes(StandardCharsets.US_ASCII);

    private DecisionHeaders() {}

    /** Whether {@code event} is one the webhook sender acts on: a confirm-mode request, or a request's end. */
    public static boolean concernsWebhooks(AllocationEvent event) {
        Object payload = event.getPayload();
        return payload instanceof AllocationRequested r && r.getConfirmMode() == AllocationMode.CONFIRM
            || payload instanceof AllocationCancelled
            || payload instanceof AllocationOutdated
            || payload instanceof AllocationTimedOut;
    }

    /** Fresh headers for logging {@code event}: the header, set. */
    public static Headers of(AllocationEvent event) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(WEBHOOK, concernsWebhooks(event) ? YES : NO);
        return headers;
    }

    /**
     * Whether a logged decision with {@code headers} may concern a webhook: false only when the engine marked it as
     * not (so it need not be decoded); true when marked so, or not marked at all.
     */
    public static boolean mayConcernWebhooks(Headers headers) {
        Header marked = headers == null ? null : headers.lastHeader(WEBHOOK);
        return marked == null || marked.value() == null || !Arrays.equals(marked.value(), NO);
    }
}
