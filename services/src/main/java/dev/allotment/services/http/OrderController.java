package dev.allotment.services.http;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.OrderCancelled;
import dev.allotment.events.OrderEvent;
import dev.allotment.events.OrderPlaced;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.OrderStatus;
import dev.allotment.services.auth.Allowed;
import dev.allotment.services.auth.Role;
import dev.allotment.services.engine.EventPublisher;
import dev.allotment.services.engine.Waits;
import dev.allotment.services.errors.ErrorBody;
import dev.allotment.streams.order.Limits;
import dev.allotment.streams.order.OrderReplay;
import dev.allotment.streams.order.OrderRules;
import dev.allotment.streams.state.EngineState;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.inject.Named;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Orders: place and cancel (published to allotment.order-events, then the outcome awaited a bounded
 * time), and each order's projection. No rule lives here: the topology decides.
 *
 * <p>Commands wait for their outcome, so they run on the blocking pool, as does an order's history. {@code GET
 * /orders/{id}} answers on the HTTP event loop when this instance holds the order's active copy and its store is
 * queryable now (one RocksDB read, no network, no waiting: a hand-off to the pool cost more than the read, and took
 * the read's p99 from 3.6 to 23 ms); otherwise (the order on another instance, a store moving, {@code as_of}) it hands
 * the read to the blocking pool, which may wait and forward. A read on the event loop still takes the store's lock
 * (Kafka Streams' RocksDB store), which its task holds while it commits that store: a write of one commit's batch (no
 * monitor wait over 20 ms on the event loop in the queries benchmark's recording).
 */
@Controller("/orders")
public class OrderController {
    private final EventPublisher publisher;
    private final EngineState state;
    private final Waits waits;
    private final Limits limits;
    private final Executor blocking;

    public OrderController(EventPublisher publisher, EngineState state, Waits waits, Limits limits,
                           @Named(TaskExecutors.BLOCKING) Executor blocking) {
        this.publisher = publisher;
        this.state = state;
        this.waits = waits;
        this.limits = limits;
        this.blocking = blocking;
    }

    @Operation(summary = "Place an order", description = "Publishes OrderPlaced; answers 201 with the reservation, "
        + "200 when the same order was placed before, 409 when an order with this id has other lines, "
        + "202 with a Location when the engine has not answered within the command timeout.")
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Post(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.PLATFORM, Role.ADMIN})
    public CompletableFuture<HttpResponse<Map<String, Object>>> place(@Body String body,
                                                                      @Nullable @Header("Idempotency-Key") String idempotencyKey) {
        OrderPlaced placed = OrderRequests.placed(body, Instant.now(), limits);
        String orderId = placed.getOrderId();
        Optional<OrderProjection> existing = state.order(orderId);
        if (existing.isPresent()) {
            return CompletableFuture.completedFuture(OrderRules.samePlacement(existing.get(), placed)
                ? HttpResponse.ok(Views.order(existing.get()))
                : conflict(orderId));
        }
        RecordMetadata event = publisher.publish(orderId, envelope(idempotencyKey, placed));
        return OffTheLoop.then(waits.order(orderId, event, o -> true), outcome -> {
            if (outcome.isEmpty()) {
                return accepted(orderId);
            }
            return OrderRules.samePlacement(outcome.get(), placed)
                ? HttpResponse.created(Views.order(outcome.get()), URI.create(location(orderId)))
                : conflict(orderId);
        });
    }

    @Operation(summary = "Cancel an order", description = "Releases everything reserved and allocated for it.")
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Post(uri = "/{orderId}/cancel", produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.PLATFORM, Role.ADMIN})
    public CompletableFuture<HttpResponse<Map<String, Object>>> cancel(@PathVariable String orderId, @Nullable @Body String body,
                                                                       @Nullable @Header("Idempotency-Key") String idempotencyKey) {
        String reason = OrderRequests.cancelReason(body);
        OrderProjection order = state.order(orderId).orElse(null);
        if (order == null) {
            return CompletableFuture.completedFuture(notFound(orderId));
        }
        if (order.getStatus() == OrderStatus.CANCELLED) {
            return CompletableFuture.completedFuture(HttpResponse.ok(Views.order(order)));
        }
        RecordMetadata event = publisher.publish(orderId, envelope(idempotencyKey, new OrderCancelled(orderId, reason)));
        return OffTheLoop.then(waits.order(orderId, event, o -> o.getStatus() == OrderStatus.CANCELLED),
            cancelled -> cancelled.<HttpResponse<Map<String, Object>>>map(o -> HttpResponse.ok(Views.order(o)))
                .orElseGet(() -> accepted(orderId)));
    }

    @Operation(summary = "An order's reservation and allocation projection",
        description = "With as_of (ISO-8601), the projection as it was then, rebuilt from the order's decision log; 410 "
            + "history_expired once that log was forgotten (allotment.retention.order-history, or the decision log topic's "
            + "retention.ms).")
    @Get(uri = "/{orderId}{?as_of}", produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.PLATFORM, Role.ANALYST, Role.ADMIN})
    public CompletableFuture<HttpResponse<?>> get(@PathVariable String orderId, @Nullable @QueryValue("as_of") String asOf) {
        if (asOf != null && !asOf.isBlank()) {
            Instant at;
            try {
                at = Instant.parse(asOf.trim());
            } catch (DateTimeParseException e) {
                throw InvalidRequestException.of("as_of", "must be an ISO-8601 instant such as 2026-11-25T10:00:00Z");
            }
            return OffTheLoop.<HttpResponse<?>>run(blocking, () -> past(orderId, at));
        }
        return OffTheLoop.unlessAnswered(state.orderAtOnce(orderId).map(o -> present(orderId, o)), blocking,
            () -> present(orderId, state.order(orderId)));
    }

    /** The order's view, written by {@link JsonBytes} (the hot read: no Serde walk of the map), or 404. */
    private HttpResponse<?> present(String orderId, Optional<OrderProjection> order) {
        return order.<HttpResponse<?>>map(o -> JsonBytes.ok(Views.order(o))).orElseGet(() -> notFound(orderId));
    }

    private HttpResponse<Map<String, Object>> past(String orderId, Instant at) {
        List<AllocationEvent> history = state.history(orderId);
        if (!OrderReplay.isWhole(history) && state.order(orderId).isPresent()) {
            return HttpResponse.<Map<String, Object>>status(HttpStatus.GONE).body(ErrorBody.of("history_expired", "the decision "
                + "history of order " + orderId + " was forgotten (allotment.retention.order-history, or the retention.ms of "
                + "the decision log it is read from): its past cannot be rebuilt; GET /orders/" + orderId + " answers its present"));
        }
        return OrderReplay.replay(orderId, history, at)
            .<HttpResponse<Map<String, Object>>>map(o -> HttpResponse.ok(Views.order(o)))
            .orElseGet(() -> HttpResponse.<Map<String, Object>>status(HttpStatus.NOT_FOUND)
                .body(ErrorBody.of("not_found", "order " + orderId + " did not exist at " + at)));
    }

    @Operation(summary = "An order's full history: every decision about it, in order")
    @ExecuteOn(TaskExecutors.BLOCKING)   // a read may wait: a store moving, a peer that holds the key
    @Get(uri = "/{orderId}/events", produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.PLATFORM, Role.ANALYST, Role.ADMIN})
    public HttpResponse<Map<String, Object>> events(@PathVariable String orderId) {
        List<AllocationEvent> history = state.history(orderId);
        if (history.isEmpty() && state.order(orderId).isEmpty()) {
            return notFound(orderId);
        }
        // complete: false once the history was forgotten (allotment.retention.order-history) or the decision log it is read
        // from lost its start (the topic's retention.ms); what came after is kept
        return HttpResponse.ok(Map.of("order_id", orderId, "complete", OrderReplay.isWhole(history),
            "events", history.stream().map(Views::event).toList()));
    }

    private static OrderEvent envelope(String idempotencyKey, Object payload) {
        return OrderEvent.newBuilder()
            .setEventId(RandomIds.next())
            .setOccurredAt(Instant.now())
            .setCommandId(idempotencyKey)
            .setPayload(payload)
            .build();
    }

    private static HttpResponse<Map<String, Object>> accepted(String orderId) {
        return HttpResponse.<Map<String, Object>>status(HttpStatus.ACCEPTED)
            .header("Location", location(orderId))
            .body(ErrorBody.of("pending", "accepted; the engine has not applied it yet: poll the Location"));
    }

    /** Where the order is read: its id encoded, as an id may hold any character but a control one. */
    private static String location(String orderId) {
        return "/orders/" + Outcomes.encode(orderId);
    }

    private static HttpResponse<Map<String, Object>> conflict(String orderId) {
        return HttpResponse.<Map<String, Object>>status(HttpStatus.CONFLICT)
            .body(ErrorBody.of("conflict", "order " + orderId + " was already placed with other lines"));
    }

    static HttpResponse<Map<String, Object>> notFound(String orderId) {
        return HttpResponse.<Map<String, Object>>status(HttpStatus.NOT_FOUND)
            .body(ErrorBody.of("not_found", "no order " + orderId));
    }
}
