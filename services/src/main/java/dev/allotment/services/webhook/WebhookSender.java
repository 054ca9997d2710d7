package dev.allotment.services.webhook;

import java.io.IOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs one webhook until it is accepted (2xx), refused for good (another answer) or out of attempts; every
 * attempt is signed afresh. Before each attempt the URL's host is resolved and checked again ({@link WebhookTargets}):
 * a name that resolved to a public address when the location was saved may point inside the network now.
 * Asynchronous: waiting for an answer or a backoff holds no thread.
 */
final class WebhookSender {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);

    /** How a delivery ended: accepted or not, after how many attempts, and why not. */
    record Outcome(boolean delivered, int attempts, String error) {}

    private final HttpClient client;
    private final ScheduledExecutorService timer;
    private final RetryPolicy policy;
    private final WebhookSignature signature;
    private final Duration requestTimeout;
    private final Runnable onAttempt;
    private final WebhookTargets targets;

    WebhookSender(HttpClient client, ScheduledExecutorService timer, RetryPolicy policy, WebhookSignature signature,
                  Duration requestTimeout, Runnable onAttempt, WebhookTargets targets) {
        this.client = client;
        this.targets = targets;
        this.timer = timer;
        this.policy = policy;
        this.signature = signature;
        this.requestTimeout = requestTimeout;
        this.onAttempt = onAttempt;
    }

    /** Delivers {@code body}; the future is cancelled, not completed, when the sender is shut down meanwhile. */
    CompletableFuture<Outcome> send(URI url, String idempotencyKey, byte[] body) {
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        attempt(url, idempotencyKey, body, 1, result);
        return result;
    }

    private void attempt(URI url, String key, byte[] body, int attempt, CompletableFuture<Outcome> result) {
        if (result.isDone()) {
            return;
        }
        try {
            targets.verify(url);
        } catch (WebhookTargets.Forbidden e) {
            result.complete(new Outcome(false, attempt - 1, "webhook_url not allowed: " + e.getMessage()));
            return;
        } catch (UnknownHostException e) {
            failed(url, key, body, attempt, result, null, e);
            return;
        }
        HttpRequest request = HttpRequest.newBuilder(url).timeout(requestTimeout)
            .header("Content-Type", "application/json")
            .header("User-Agent", "allotment-webhooks")
            .header("Idempotency-Key", key)
            .header(WebhookSignature.HEADER, signature.header(System.currentTimeMillis() / 1000, body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
        onAttempt.run();
        client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            if (error == null && RetryPolicy.success(response.statusCode())) {
                result.complete(new Outcome(true, attempt, null));
                return;
            }
            failed(url, key, body, attempt, result, response, unwrap(error));
        });
    }

    /** Attempt {@code attempt} failed: with {@code response}, or for {@code cause}. Retries after a backoff, or gives up. */
    private void failed(URI url, String key, byte[] body, int attempt, CompletableFuture<Outcome> result,
                        HttpResponse<Void> response, Throwable cause) {
        boolean again = cause == null ? RetryPolicy.retryable(response.statusCode()) : cause instanceof IOException;
        String problem = cause == null ? "HTTP " + response.statusCode() + " from " + url : describe(cause, url);
        if (!again || attempt >= policy.maxAttempts()) {
            result.complete(new Outcome(false, attempt, problem));
            return;
        }
        Optional<Duration> retryAfter = cause == null
            ? RetryPolicy.retryAfter(response.headers().firstValue("Retry-After")) : Optional.empty();
        Duration wait = policy.backoff(attempt, retryAfter);
        LOG.debug("webhook {} attempt {} failed ({}); next in {} ms", key, attempt, problem, wait.toMillis());
        try {
            timer.schedule(() -> again(url, key, body, attempt + 1, result), wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            result.cancel(false);
        }
    }

    /** The next attempt, off the timer thread: its host lookup may block, as the client's own lookups do on its pool. */
    private void again(URI url, String key, byte[] body, int attempt, CompletableFuture<Outcome> result) {
        try {
            client.executor().orElse(Runnable::run).execute(() -> attempt(url, key, body, attempt, result));
        } catch (RejectedExecutionException stopping) {
            result.cancel(false);
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String describe(Throwable cause, URI url) {
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message) + " (" + url + ")";
    }
}
