package dev.allotment.services.webhook;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** Which answers are worth another attempt, and how long to wait before it (exponential, capped, jittered). */
final class RetryPolicy {
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;

    RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("allotment.webhooks.max-attempts must be at least 1, was " + maxAttempts);
        }
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff.compareTo(initialBackoff) < 0 ? initialBackoff : maxBackoff;
    }

    int maxAttempts() {
        return maxAttempts;
    }

    /** 408, 429 and 5xx may succeed later; any other non-2xx answer will not. */
    static boolean retryable(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    static boolean success(int status) {
        return status / 100 == 2;
    }

    /**
     * The wait after failed attempt {@code attempt} (1-based): initial × 2^(attempt-1), capped at the maximum,
     * between half and all of it (jitter, so receivers that come back are not hit by every sender at once);
     * a receiver's {@code Retry-After} (seconds) lengthens it, up to the maximum.
     */
    Duration backoff(int attempt, Optional<Duration> retryAfter) {
        long cap = maxBackoff.toMillis();
        long base = initialBackoff.toMillis() << Math.min(attempt - 1, 30);
        long full = base <= 0 || base > cap ? cap : base;
        long wait = full / 2 + ThreadLocalRandom.current().nextLong(full / 2 + 1);
        if (retryAfter.isPresent()) {
            wait = Math.max(wait, Math.min(retryAfter.get().toMillis(), cap));
        }
        return Duration.ofMillis(wait);
    }

    /** A {@code Retry-After} header in seconds (the HTTP-date form is ignored). */
    static Optional<Duration> retryAfter(Optional<String> header) {
        try {
            return header.map(String::trim).map(Long::parseLong).filter(s -> s >= 0).map(Duration::ofSeconds);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
