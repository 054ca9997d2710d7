package dev.allotment.services.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.events.LocationStock;
import dev.allotment.events.LocationUpserted;
import dev.allotment.events.SkuStock;
import dev.allotment.events.StockAdjusted;
import dev.allotment.events.StockEvent;
import dev.allotment.events.StockSet;
import dev.allotment.services.auth.Allowed;
import dev.allotment.services.auth.Role;
import dev.allotment.services.engine.CommandGateway;
import dev.allotment.services.engine.Waits;
import dev.allotment.services.errors.ErrorBody;
import dev.allotment.streams.state.EngineState;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.inject.Named;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** Stock levels per SKU and location: counts and adjustments go to allotment.stock-events; levels come from the SKU stores.
 * Changes and the list (a scan of every SKU) run on the blocking pool; one SKU's levels, a single store read, on the
 * HTTP event loop when this instance holds the SKU's active copy and it is queryable now (an unsharded SKU), else on
 * the blocking pool, which may wait and forward (see {@link OrderController}). */
@Controller("/stock")
public class StockController {
    private final CommandGateway gateway;
    private final EngineState state;
    private final StockViews views;
    private final Executor blocking;
    private final Waits waits;

    public StockController(CommandGateway gateway, EngineState state, @Named(TaskExecutors.BLOCKING) Executor blocking,
                           Waits waits) {
        this.gateway = gateway;
        this.state = state;
        this.waits = waits;
        this.views = new StockViews(state);
        this.blocking = blocking;
    }

    @Operation(summary = "Set the counted stock of a SKU at a location", description = "A count is a fact: below what is"
        + " allocated there it stands, and allocations give way (lowest priority, then the newest line first), their lines"
        + " routed on or back to waiting demand. 404 when the location does not exist; 409 in_progress while a command over"
        + " several SKUs has set aside the stock the count would need.")
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Put(uri = "/{locationId}/{sku}", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.PLATFORM, Role.ADMIN})
    public CompletableFuture<HttpResponse<Map<String, Object>>> set(HttpRequest<?> request, @PathVariable String locationId,
                                                                    @PathVariable String sku, @Body String body,
                                                                    @Nullable @Header("Idempotency-Key") String key) {
        JsonNode json = JsonInput.parse(body);
        JsonInput in = new JsonInput();
        Integer physical = in.wholeNumber(json, "physical", "physical", null);
        // optional: absent or null leaves it as it was (no sentinel, which a client could send)
        Integer incoming = json.hasNonNull("incoming") ? in.wholeNumber(json, "incoming", "incoming", null) : null;
        if (physical != null && physical < 0) {
            in.error("physical", "must not be negative");
        }
        if (incoming != null && incoming < 0) {
            in.error("incoming", "must not be negative");
        }
        in.check();
        if (waits.location(locationId).isEmpty()) {
            return CompletableFuture.completedFuture(unknownLocation(locationId));
        }
        StockEvent event = new StockEvent(RandomIds.next(), Instant.now(),
            Outcomes.commandId(IdempotencyKeys.commandBase(request), "stock:" + locationId + ":" + sku), AllocationRequestController.callerName(request),
            new StockSet(sku, locationId, physical, incoming));
        return Outcomes.orElse(gateway.sendStock(List.of(Map.entry(sku, event))), () ->
            HttpResponse.ok(level(sku, locationId, state.stock(sku).map(s -> s.getLocations().get(locationId)).orElse(null))));
    }

    @Operation(summary = "Adjust stock by deltas (receipts, damage, shrinkage), in one batch",
        description = "404 naming the location when one does not exist; nothing of the batch is sent then. An adjustment"
            + " below what is allocated is applied like a count: allocations give way.")
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Post(uri = "/adjustments", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.PLATFORM, Role.ADMIN})
    public CompletableFuture<HttpResponse<Map<String, Object>>> adjust(HttpRequest<?> request, @Body String body,
                                                                       @Nullable @Header("Idempotency-Key") String key) {
        JsonNode json = JsonInput.parse(body);
        JsonInput in = new JsonInput();
        List<JsonNode> items = in.array(json, "adjustments", "adjustments");
        if (items.isEmpty() && json.has("adjustments")) {
            in.error("adjustments", "at least one adjustment is required");
        }
        String batch = IdempotencyKeys.commandBase(request);
        List<Map.Entry<String, StockEvent>> events = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String at = "adjustments[" + i + "].";
            String location = in.requiredString(items.get(i), "location_id", at + "location_id");
            String sku = in.requiredSku(items.get(i), "sku", at + "sku");
            Integer delta = in.wholeNumber(items.get(i), "delta", at + "delta", null);
            String reason = in.optionalString(items.get(i), "reason", at + "reason");
            if (delta != null && delta == 0) {
                in.error(at + "delta", "must not be 0");
            }
            if (sku != null && location != null && delta != null) {
                events.add(Map.entry(sku, new StockEvent(RandomIds.next(), Instant.now(),
                    batch + ":adjust:" + i, AllocationRequestController.callerName(request),
                    new StockAdjusted(sku, location, delta, reason))));
            }
        }
        in.check();
        for (Map.Entry<String, StockEvent> e : events) {
            String location = ((StockAdjusted) e.getValue().getPayload()).getLocationId();
            if (waits.location(location).isEmpty()) {
                return CompletableFuture.completedFuture(unknownLocation(location));
            }
        }
        return Outcomes.orElse(gateway.sendStock(events), () -> {
            List<Map<String, Object>> data = new ArrayList<>();
            for (Map.Entry<String, StockEvent> e : events) {
                String location = ((StockAdjusted) e.getValue().getPayload()).getLocationId();
                data.add(level(e.getKey(), location, state.stock(e.getKey()).map(s -> s.getLocations().get(location)).orElse(null)));
            }
            return HttpResponse.ok(Map.of("data", data));
        });
    }

    @Operation(summary = "A SKU's stock at every location, with totals")
    @Get(uri = "/{sku}", produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.PLATFORM, Role.ANALYST, Role.ADMIN})
    public CompletableFuture<HttpResponse<?>> get(@PathVariable String sku) {
        return OffTheLoop.unlessAnswered(state.stockAtOnce(sku).map(s -> levels(sku, s)), blocking,
            () -> levels(sku, state.stock(sku)));
    }

    /** The SKU's view, written by {@link JsonBytes} (the hot read: no Serde walk of the map), or 404. */
    private HttpResponse<?> levels(String sku, Optional<SkuStock> stock) {
        return stock.<HttpResponse<?>>map(s -> JsonBytes.ok(skuView(s)))
            .orElseGet(() -> HttpResponse.<Map<String, Object>>status(HttpStatus.NOT_FOUND)
                .body(ErrorBody.of("not_found", "no stock recorded for " + sku)));
    }

    @Operation(summary = "Stock levels, by SKU, optionally at one location (cursor pagination)")
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get(produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.PLATFORM, Role.ANALYST, Role.ADMIN})
    public HttpResponse<Map<String, Object>> list(@Nullable @QueryValue("location_id") String locationId,
                                                  @Nullable @QueryValue String cursor, @Nullable @QueryValue String limit) {
        if (locationId != null && waits.location(locationId).isEmpty()) {
            return unknownLocation(locationId);
        }
        int size = ReservationController.limit(limit);
        String after = cursor == null || cursor.isBlank() ? null : PageCursor.decode(cursor).key();
        List<Map<String, Object>> data = new ArrayList<>();
        String last = null;
        boolean more = false;
        // a SKU has a level at one location at least: size + 1 SKUs fill the page and tell whether there are more
        List<SkuStock> skus = state.stock(locationId, after, size);
        for (SkuStock s : skus) {
            for (Map.Entry<String, LocationStock> e : new TreeMap<>(s.getLocations()).entrySet()) {
                if (locationId != null && !locationId.equals(e.getKey())) {
                    continue;
                }
                if (data.size() >= size && !s.getSku().equals(last)) {
                    more = true;
                    break;
                }
                data.add(level(s.getSku(), e.getKey(), e.getValue()));
                last = s.getSku();
            }
            if (more) {
                break;
            }
            last = s.getSku();
        }
        more |= skus.size() > size;   // SKUs past these (a SKU with no location yet adds no level)
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", data);
        body.put("next_cursor", more && last != null ? new PageCursor(true, last).encode() : null);
        body.put("limit", size);
        return HttpResponse.ok(body);
    }

    /** Stock is counted only where a location was declared ({@code PUT /locations/{id}}): elsewhere there is nothing to find. */
    static HttpResponse<Map<String, Object>> unknownLocation(String locationId) {
        return HttpResponse.<Map<String, Object>>status(HttpStatus.NOT_FOUND)
            .body(ErrorBody.of("not_found", "no location " + locationId + " (PUT /locations/" + locationId + " first)"));
    }

    private Map<String, Object> skuView(SkuStock s) {
        return views.sku(s);
    }

    Map<String, Object> level(String sku, String locationId, LocationStock s) {
        return views.level(sku, locationId, s);
    }
}
