package dev.allotment.services.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.events.HoldPlaced;
import dev.allotment.events.HoldReleased;
import dev.allotment.events.StockEvent;
import dev.allotment.services.auth.Allowed;
import dev.allotment.services.auth.Role;
import dev.allotment.services.engine.CommandGateway;
import dev.allotment.streams.state.EngineState;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Cart holds: a checkout takes stock out of available before it becomes an order (HoldPlaced on allotment.stock-events,
 * decided on the SKU's partition with the orders); an order line naming the hold converts it; a release or its time to
 * live gives it back. Answered once the SKU's partition has decided and committed it.
 */
@Controller("/holds")
public class HoldController {
    private final CommandGateway gateway;
    private final EngineState state;
    private final StockViews views;

    public HoldController(CommandGateway gateway, EngineState state) {
        this.gateway = gateway;
        this.state = state;
        this.views = new StockViews(state);
    }

    @Operation(summary = "Hold stock for a checkout", description = "Body {\"hold_id\",\"sku\",\"quantity\",\"channel\",\"ttl_seconds\"}:"
        + " takes the quantity out of available at the channel's locations that track stock, in rank order, all or nothing;"
        + " an order line with this hold_id converts it. 201 with the hold and the SKU's stock; 409 insufficient_stock;"
        + " 409 hold_conflict when the id holds another quantity or channel; 422 unsupported for a channel without routing.")
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Post(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.PLATFORM, Role.ADMIN})
    public CompletableFuture<HttpResponse<Map<String, Object>>> place(HttpRequest<?> request, @Body String body,
                                                                      @Nullable @Header("Idempotency-Key") String key) {
        JsonNode json = JsonInput.parse(body);
        JsonInput in = new JsonInput();
        String holdId = in.requiredString(json, "hold_id", "hold_id");
        String sku = in.requiredSku(json, "sku", "sku");
        Integer quantity = in.wholeNumber(json, "quantity", "quantity", null);
        String channel = in.requiredString(json, "channel", "channel");
        Integer ttl = in.wholeNumber(json, "ttl_seconds", "ttl_seconds", null);
        in.check();
        Instant now = Instant.now();
        return Outcomes.orElse(send(request, sku, "hold:" + holdId, new HoldPlaced(holdId, sku, quantity, channel, ttl), now), () -> {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("hold_id", holdId);
            view.put("sku", sku);
            view.put("quantity", quantity);
            view.put("channel", channel);
            view.put("expires_at", Views.time(now.plusSeconds(ttl)));
            view.put("stock", state.stock(sku).map(views::sku).orElse(null));
            return HttpResponse.<Map<String, Object>>status(HttpStatus.CREATED).body(view);
        });
    }

    @Operation(summary = "Release a cart hold before its time", description = "Body {\"sku\",\"reason\"}: what it holds is available"
        + " again. 200 with the SKU's stock; a hold already converted, expired or released changes nothing.")
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Post(uri = "/{holdId}/release", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.PLATFORM, Role.ADMIN})
    public CompletableFuture<HttpResponse<Map<String, Object>>> release(HttpRequest<?> request, @PathVariable String holdId,
                                                                        @Body String body,
                                                                        @Nullable @Header("Idempotency-Key") String key) {
        JsonNode json = JsonInput.parse(body);
        JsonInput in = new JsonInput();
        String sku = in.requiredSku(json, "sku", "sku");
        String reason = in.optionalString(json, "reason", "reason");
        in.check();
        return Outcomes.orElse(send(request, sku, "release-hold:" + holdId, new HoldReleased(holdId, sku, reason), Instant.now()),
            () -> {
                Map<String, Object> view = new LinkedHashMap<>();
                view.put("hold_id", holdId);
                view.put("released", true);
                view.put("stock", state.stock(sku).map(views::sku).orElse(null));
                return HttpResponse.ok(view);
            });
    }

    /** Sends the hold's event to its SKU's partition; its outcome, once decided. */
    private CompletableFuture<List<CommandGateway.Result>> send(HttpRequest<?> request, String sku, String what, Object payload,
                                                                Instant now) {
        StockEvent event = new StockEvent(RandomIds.next(), now,
            Outcomes.commandId(IdempotencyKeys.commandBase(request), what), AllocationRequestController.callerName(request), payload);
        return gateway.sendStock(List.of(Map.entry(sku, event)));
    }
}
