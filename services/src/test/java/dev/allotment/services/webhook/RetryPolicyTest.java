package dev.allotment.services.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which answers are retried, how long the waits are, and the signature's known answer. */
class RetryPolicyTest {
    @Test
    void timeoutsThrottlingAndServerErrorsAreRetriedOtherRefusalsAreNot() {
        for (int status : new int[] {408, 429, 500, 502, 503, 504}) {
            assertTrue(RetryPolicy.retryable(status), "retry " + status);
        }
        for (int status : new int[] {301, 400, 401, 403, 404, 409, 410, 422}) {
            assertFalse(RetryPolicy.retryable(status), "give up on " + status);
        }
    }

    @Test
    void backoffDoublesWithinJitterUpToTheCapAndHonoursRetryAfter() {
        RetryPolicy policy = new RetryPolicy(6, Duration.ofMillis(500), Duration.ofSeconds(30));
        for (int i = 0; i < 50; i++) {
            long first = policy.backoff(1, Optional.empty()).toMillis();
            long third = policy.backoff(3, Optional.empty()).toMillis();
            long late = policy.backoff(40, Optional.empty()).toMillis();
            assertTrue(first >= 250 && first <= 500, "attempt 1: " + first);
            assertTrue(third >= 1000 && third <= 2000, "attempt 3: " + third);
            assertTrue(late >= 15000 && late <= 30000, "capped: " + late);
        }
        Optional<Duration> tenSeconds = RetryPolicy.retryAfter(Optional.of("10"));
        assertEquals(Optional.of(Duration.ofSeconds(10)), tenSeconds);
        assertTrue(policy.backoff(1, tenSeconds).toMillis() >= 10000, "Retry-After lengthens the wait");
        assertEquals(30000, policy.backoff(1, Optional.of(Duration.ofHours(1))).toMillis(), "up to the cap");
        assertEquals(Optional.empty(), RetryPolicy.retryAfter(Optional.of("Wed, 21 Oct 2015 07:28:00 GMT")));
    }

    @Test
    void theSignatureIsTheHmacOfTimestampDotBody() {
        // known answer: python3 -c 'import hmac,hashlib;print(hmac.new(b"secret",b"1700000000.{}",hashlib.sha256).hexdigest())'
        String header = new WebhookSignature("secret").header(1700000000L, "{}".getBytes(StandardCharsets.UTF_8));
        assertEquals("t=1700000000,v1=" + KNOWN_HMAC, header);
    }

    static final String KNOWN_HMAC = "b8569b78799ff9e3cbff0fc2d63a33a2b57f3282abd07c37ae5e8e7d79a5f163";
}
