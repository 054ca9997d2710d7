package dev.allotment.services.webhook;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.AllocationMode;
import dev.allotment.events.AllocationRequested;
import dev.allotment.events.Command;
import dev.allotment.events.LocationUpserted;
import dev.allotment.events.MarkRequestSendFailed;
import dev.allotment.events.MarkRequestSent;
import dev.allotment.services.engine.EventPublisher;
import dev.allotment.streams.state.EngineState;
import dev.allotment.streams.state.EngineUnavailableException;
import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One allocation request made at a confirm-mode location: looks up the location's webhook, delivers it, and
 * reports the outcome to the engine as a command ({@code MarkRequestSent} / {@code MarkRequestSendFailed})
 * keyed by the request's SKU, with command id {@code webhook:<event id>} so a repeated report changes nothing.
 */
final class RequestNotifier {
    private static final Logger LOG = LoggerFactory.getLogger(RequestNotifier.class);
    static final String PRINCIPAL = "webhooks";

    private final EngineState state;
    private final EventPublisher publisher;
    private final WebhookSender sender;
    private final WebhookMessage message;
    private final RetryPolicy waits;
    private final Executor workers;
    private final ScheduledExecutorService timer;
    private final BooleanSupplier running;
    private final Counter delivered;
    private final Counter failed;

    RequestNotifier(EngineState state, EventPublisher publisher, WebhookSender sender, WebhookMessage message,
                    RetryPolicy waits, Executor workers, ScheduledExecutorService timer, BooleanSupplier running,
                    Counter delivered, Counter failed) {
        this.state = state;
        this.publisher = publisher;
        this.sender = sender;
        this.message = message;
        this.waits = waits;
        this.workers = workers;
        this.timer = timer;
        this.running = running;
        this.delivered = delivered;
        this.failed = failed;
    }

    /** How a request ended without its supplier's answer: the webhook's type, the request's status, why. */
    record Ended(String allocationId, String type, String status, String reason) {
        /** The end {@code event} tells of, when it is one (a cancellation, an outdating, a time-out); else empty. */
        static Optional<Ended> of(AllocationEvent event) {
            Object p = event.getPayload();
            if (p instanceof dev.allotment.events.AllocationCancelled c) {
                return Optional.of(new Ended(c.getAllocationId(), "allocation_request.cancelled", "cancelled", c.getReason()));
            } else if (p instanceof dev.allotment.events.AllocationOutdated o) {
                return Optional.of(new Ended(o.getAllocationId(), "allocation_request.outdated", "outdated", null));
            } else if (p instanceof dev.allotment.events.AllocationTimedOut t) {
                return Optional.of(new Ended(t.getAllocationId(), "allocation_request.timed_out", "timed-out", null));
            }
            return Optional.empty();
        }
    }

    /** Whether {@code event} is an allocation request at a confirm-mode location: one whose webhook is sent. */
    static boolean isConfirmRequest(AllocationEvent event) {
        return event.getPayload() instanceof AllocationRequested q && q.getConfirmMode() == AllocationMode.CONFIRM;
    }

    static String commandId(AllocationEvent event) {
        return "webhook:" + event.getEventId();
    }

    /** Completes once the outcome is reported, or at once when there is nothing to deliver. */
    CompletableFuture<Void> notify(AllocationEvent event, AllocationRequested request) {
        return notify(event, request, commandId(event)).thenApply(outcome -> null);
    }

    /**
     * The same, reporting the outcome under {@code commandId} (a re-send's own, so that its report is not taken for the
     * first one's); completes with the delivery's outcome, null when there was nothing to deliver.
     */
    CompletableFuture<WebhookSender.Outcome> notify(AllocationEvent event, AllocationRequested request, String commandId) {
        if (request.getLines().isEmpty()) {
            LOG.warn("allocation request {} of order {} (event {}) has no lines: no webhook, nothing to report",
                request.getAllocationId(), event.getOrderId(), event.getEventId());
            return CompletableFuture.completedFuture(null);
        }
        return untilAvailable(() -> state.location(request.getLocationId()))
            .thenCompose(location -> deliver(event, request, location))
            .thenCompose(outcome -> outcome == null ? CompletableFuture.completedFuture(null)
                : report(event, request, outcome, commandId).thenApply(reported -> outcome));
    }

    /**
     * A request's end without an answer ({@code type}: {@code allocation_request.cancelled}, {@code .outdated},
     * {@code .timed_out}): sent to its location's webhook when the allocation the event names is a request, signed and
     * retried as the request was. Nothing is reported back: the request's status changed with the event.
     */
    CompletableFuture<Void> notifyEnded(AllocationEvent event, Ended ended) {
        String allocationId = ended.allocationId();
        return untilAvailable(() -> state.order(event.getOrderId()).flatMap(o -> o.getAllocations().stream()
                .filter(a -> a.getRequest() && a.getAllocationId().equals(allocationId)).findFirst()))
            .thenCompose(request -> request.isEmpty() ? CompletableFuture.completedFuture(null)
                : untilAvailable(() -> state.location(request.get().getLocationId())).thenCompose(location -> {
                    String webhook = location.map(LocationUpserted::getWebhookUrl).map(String::trim).orElse("");
                    if (webhook.isEmpty()) {
                        return CompletableFuture.completedFuture(null);
                    }
                    URI url;
                    try {
                        url = WebhookTargets.parse(webhook);
                    } catch (WebhookTargets.Forbidden e) {
                        LOG.warn("location {} has an invalid webhook_url; {} of request {} is not sent: {}",
                            request.get().getLocationId(), ended.type(), allocationId, e.getMessage());
                        return CompletableFuture.completedFuture(null);
                    }
                    byte[] body = message.statusBody(event, ended.type(), allocationId, ended.status(),
                        request.get().getLocationId(), location.get().getName(), ended.reason());
                    return sender.send(url, event.getEventId(), body).thenAccept(outcome -> {
                        if (outcome.delivered()) {
                            delivered.increment();
                        } else {
                            failed.increment();
                            LOG.warn("webhook {} for allocation request {} of order {} failed after {} attempt(s): {}",
                                ended.type(), allocationId, event.getOrderId(), outcome.attempts(), outcome.error());
                        }
                    });
                }));
    }

    private CompletableFuture<WebhookSender.Outcome> deliver(AllocationEvent event, AllocationRequested request,
                                                             Optional<LocationUpserted> location) {
        String webhook = location.map(LocationUpserted::getWebhookUrl).map(String::trim).orElse("");
        if (webhook.isEmpty()) {
            LOG.debug("location {} has no webhook_url: allocation request {} of order {} is not sent",
                request.getLocationId(), request.getAllocationId(), event.getOrderId());
            return CompletableFuture.completedFuture(null);
        }
        URI url;
        try {
            url = WebhookTargets.parse(webhook);
        } catch (WebhookTargets.Forbidden e) {
            return CompletableFuture.completedFuture(new WebhookSender.Outcome(false, 0,
                "invalid webhook_url of location " + request.getLocationId() + ": " + e.getMessage()));
        }
        byte[] body = message.body(event, request, location.get().getName());
        return sender.send(url, event.getEventId(), body);
    }

    private CompletableFuture<Void> report(AllocationEvent event, AllocationRequested request, WebhookSender.Outcome outcome,
                                           String commandId) {
        String sku = request.getLines().get(0).getSku();
        Object payload = outcome.delivered()
            ? new MarkRequestSent(request.getAllocationId(), outcome.attempts())
            : new MarkRequestSendFailed(request.getAllocationId(), outcome.attempts(), outcome.error());
        Command command = new Command(commandId, Instant.now(), PRINCIPAL, event.getOrderId(), payload, null);
        return untilAvailable(() -> {
            publisher.publishCommands(List.of(Map.entry(sku, command)));
            return null;
        }).thenRun(() -> {
            if (outcome.delivered()) {
                delivered.increment();
                LOG.debug("webhook for allocation request {} of order {} (SKU {}) delivered after {} attempt(s)",
                    request.getAllocationId(), event.getOrderId(), sku, outcome.attempts());
            } else {
                failed.increment();
                LOG.warn("webhook for allocation request {} of order {} (SKU {}, location {}) failed after {} attempt(s): {}",
                    request.getAllocationId(), event.getOrderId(), sku, request.getLocationId(), outcome.attempts(),
                    outcome.error());
            }
        });
    }

    /** Runs {@code step} on a worker, again after a backoff while the engine (store or broker) is unavailable and we run. */
    private <T> CompletableFuture<T> untilAvailable(Supplier<T> step) {
        CompletableFuture<T> result = new CompletableFuture<>();
        tryStep(step, 1, result);
        return result;
    }

    private <T> void tryStep(Supplier<T> step, int round, CompletableFuture<T> result) {
        try {
            workers.execute(() -> {
                try {
                    result.complete(step.get());
                } catch (EngineUnavailableException e) {
                    if (!running.getAsBoolean()) {
                        result.completeExceptionally(e);
                        return;
                    }
                    Duration wait = waits.backoff(round, Optional.empty());
                    LOG.warn("webhook sender: {}; trying again in {} ms", e.getMessage(), wait.toMillis());
                    try {
                        timer.schedule(() -> tryStep(step, round + 1, result), wait.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (RejectedExecutionException stopping) {
                        result.cancel(false);
                    }
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException stopping) {
            result.cancel(false);
        }
    }
}
