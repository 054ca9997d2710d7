package dev.allotment.services.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.events.AllocationEvent;
import dev.allotment.events.CommandRejected;
import dev.allotment.events.OrderEvent;
import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderLineAdded;
import dev.allotment.events.OrderLineCancelled;
import dev.allotment.events.OrderLineChanged;
import dev.allotment.events.OrderProjection;
import dev.allotment.services.auth.Allowed;
import dev.allotment.services.auth.Role;
import dev.allotment.services.engine.EventPublisher;
import dev.allotment.services.engine.Waits;
import dev.allotment.services.errors.ErrorBody;
import dev.allotment.streams.allocation.Refusal;
import dev.allotment.streams.order.Limits;
import dev.allotment.streams.order.OrderEdits;
import dev.allotment.streams.state.EngineState;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Edits of a placed order: a line added, a line's quantity changed, a line cancelled. Each is checked against the order
 * ({@link OrderEdits}, the rule the engine applies again), published to allotment.order-events, and answered once the
 * line's partition has decided it and the decision is committed: 200 (201 for a new line) with the order, the engine's
 * refusal, or 202 with a Location past the command timeout.
 */
@Controller("/orders")
public class OrderEditController {
    private final EventPublisher publisher;
    private final EngineState state;
    private final Waits waits;
    private final Limits limits;

    public OrderEditController(EventPublisher publisher, EngineState state, Waits waits, Limits limits) {
        this.publisher = publisher;
        this.state = state;
        this.waits = waits;
        this.limits = limits;
    }

    @Operation(summary = "Add a line to a placed order", description = "Body {\"line_id\",\"sku\",\"quantity\"}: reserved and routed like"
        + " the order's other lines (LineAdded in its history). 201 with the order; 422 duplicate_line when the order has a line"
        + " of that id; 409 order_cancelled.")
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Post(uri = "/{orderId}/lines", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.PLATFORM, Role.ADMIN})
    public CompletableFuture<HttpResponse<Map<String, Object>>> add(@PathVariable String orderId, @Body String body,
                                                                    @Nullable @Header("Idempotency-Key") String idempotencyKey) {
        JsonNode json = JsonInput.parse(body);
        JsonInput in = new JsonInput();
        String lineId = in.requiredString(json, "line_id", "line_id");
        String sku = in.requiredSku(json, "sku", "sku");
        Integer quantity = in.wholeNumber(json, "quantity", "quantity", null);
        in.check();
        return edit(orderId, new OrderLineAdded(orderId, new OrderLine(lineId, sku, quantity)), idempotencyKey, HttpStatus.CREATED);
    }

    @Operation(summary = "Change the quantity of an order's line", description = "Body {\"quantity\",\"reason\"}: what is allocated"
        + " over the new quantity is released (newest allocation first), what is new is routed or waits as backorder demand."
        + " 409 allocation_completed below what was shipped of the line; 422 unknown_line.")
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Patch(uri = "/{orderId}/lines/{lineId}", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.PLATFORM, Role.ADMIN})
    public CompletableFuture<HttpResponse<Map<String, Object>>> change(@PathVariable String orderId, @PathVariable String lineId, @Body String body,
                                                                       @Nullable @Header("Idempotency-Key") String idempotencyKey) {
        JsonNode json = JsonInput.parse(body);
        JsonInput in = new JsonInput();
        Integer quantity = in.wholeNumber(json, "quantity", "quantity", null);
        String reason = in.optionalString(json, "reason", "reason");
        in.check();
        return edit(orderId, new OrderLineChanged(orderId, lineId, quantity, reason), idempotencyKey, HttpStatus.OK);
    }

    @Operation(summary = "Cancel an order's line", description = "Optional body {\"reason\"}: what is open of the line is released"
        + " (a supplier's open request is outdated); what was shipped stays. 409 not_actionable for the order's last open line:"
        + " cancel the order instead.")
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Post(uri = "/{orderId}/lines/{lineId}/cancel", produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.PLATFORM, Role.ADMIN})
    public CompletableFuture<HttpResponse<Map<String, Object>>> cancel(@PathVariable String orderId, @PathVariable String lineId,
                                                                       @Nullable @Body String body,
                                                                       @Nullable @Header("Idempotency-Key") String idempotencyKey) {
        String reason = OrderRequests.cancelReason(body);
        return edit(orderId, new OrderLineCancelled(orderId, lineId, reason), idempotencyKey, HttpStatus.OK);
    }

    private CompletableFuture<HttpResponse<Map<String, Object>>> edit(String orderId, Object edit, String idempotencyKey,
                                                                      HttpStatus done) {
        OrderProjection order = state.order(orderId).orElse(null);
        if (order == null) {
            return CompletableFuture.completedFuture(HttpResponse.<Map<String, Object>>status(HttpStatus.NOT_FOUND)
                .body(ErrorBody.of("not_found", "no order " + orderId)));
        }
        if (OrderEdits.isRepeat(order, edit)) {
            return CompletableFuture.completedFuture(HttpResponse.ok(Views.order(order)));
        }
        Optional<Refusal> refused = OrderEdits.refusal(order, edit, limits);
        if (refused.isPresent()) {
            return CompletableFuture.completedFuture(refusal(refused.get().code().wire(), refused.get().getMessage()));
        }
        OrderEvent event = OrderEvent.newBuilder().setEventId(RandomIds.next()).setOccurredAt(Instant.now())
            .setCommandId(idempotencyKey).setPayload(edit).build();
        RecordMetadata published = publisher.publish(orderId, event);
        return OffTheLoop.then(waits.logged(orderId, published, OrderEdits.commandId(event.getEventId(), edit)),
            logged -> applied(orderId, order, logged, done));
    }

    /** The answer once the edit's events are in the order's committed history, or once the wait for them has ended. */
    private HttpResponse<Map<String, Object>> applied(String orderId, OrderProjection order,
                                                      Optional<List<AllocationEvent>> logged, HttpStatus done) {
        if (logged.isEmpty()) {
            return HttpResponse.<Map<String, Object>>status(HttpStatus.ACCEPTED).header("Location", "/orders/" + Outcomes.encode(orderId))
                .body(ErrorBody.of("pending", "accepted; the engine has not applied it yet: poll the Location"));
        }
        Optional<CommandRejected> rejected = logged.get().stream().map(AllocationEvent::getPayload)
            .filter(CommandRejected.class::isInstance).map(CommandRejected.class::cast).findFirst();
        if (rejected.isPresent()) {   // a race the edge could not see (a completion on the way)
            return refusal(rejected.get().getCode(), rejected.get().getReason());
        }
        return HttpResponse.<Map<String, Object>>status(done).body(Views.order(state.order(orderId).orElse(order)));
    }

    private static HttpResponse<Map<String, Object>> refusal(String code, String message) {
        return HttpResponse.<Map<String, Object>>status(Outcomes.statusOf(code)).body(ErrorBody.of(code, message));
    }
}
