package dev.allotment.services.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.events.IncomingBatch;
import dev.allotment.events.IncomingSet;
import dev.allotment.events.LineReservation;
import dev.allotment.events.LocationStock;
import dev.allotment.events.LocationUpserted;
import dev.allotment.events.SkuStock;
import dev.allotment.events.StockBatch;
import dev.allotment.events.StockEvent;
import dev.allotment.services.auth.Allowed;
import dev.allotment.services.auth.Role;
import dev.allotment.services.engine.CommandGateway;
import dev.allotment.services.engine.Waits;
import dev.allotment.services.errors.ErrorBody;
import dev.allotment.streams.order.Limits;
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
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Promise dates (issue 18, item 5): incoming stock as dated batches per SKU and location, sent to allotment.stock-events
 * as an IncomingSet, and available-to-promise by date per SKU, read from the SKU's stock and its waiting lines.
 */
@Controller("/stock")
public class IncomingStockController {
    /** How many waiting lines available-to-promise reads (the engine dates as many: Router.FILL_BATCH). */
    static final int MAX_WAITING = 10_000;

    private final CommandGateway gateway;
    private final EngineState state;
    private final StockController levels;
    private final Waits waits;

    public IncomingStockController(CommandGateway gateway, EngineState state, StockController levels, Waits waits) {
        this.gateway = gateway;
        this.state = state;
        this.levels = levels;
        this.waits = waits;
    }

    @Operation(summary = "Replace the incoming batches of a SKU at a location",
        description = "Body: a JSON array of batches, [{\"quantity\":5,\"expected_at\":\"2030-01-10T00:00:00Z\"}] (at most "
            + Limits.MAX_INCOMING_BATCHES + "; an empty array clears them). incoming becomes their sum. Waiting lines are promised the date"
            + " of the batch that covers them (expected_at on the order's line). Answers the location's stock level. 404"
            + " when the location does not exist; 400 naming the field ([0].expected_at) for bad input; 422 over a limit.")
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Put(uri = "/{locationId}/{sku}/incoming", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.PLATFORM, Role.ADMIN})
    public CompletableFuture<HttpResponse<Map<String, Object>>> setIncoming(HttpRequest<?> request, @PathVariable String locationId,
                                                                            @PathVariable String sku, @Body String body,
                                                                            @Nullable @Header("Idempotency-Key") String key) {
        List<JsonNode> items = JsonInput.parseArray(body);
        JsonInput in = new JsonInput();
        List<IncomingBatch> batches = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < items.size(); i++) {
            String at = "[" + i + "].";
            if (!items.get(i).isObject()) {
                in.error("[" + i + "]", "must be an object {\"quantity\":..,\"expected_at\":..}");
                continue;
            }
            Integer quantity = in.wholeNumber(items.get(i), "quantity", at + "quantity", null);
            if (quantity != null && quantity < 1) {
                in.error(at + "quantity", "must be at least 1");
            }
            Instant expectedAt = instant(in, items.get(i), "expected_at", at + "expected_at");
            if (quantity != null && quantity >= 1 && expectedAt != null) {
                batches.add(new IncomingBatch(quantity, expectedAt));
                total += quantity;
            }
        }
        if (items.size() > Limits.MAX_INCOMING_BATCHES) {
            in.overLimit("body", "at most " + Limits.MAX_INCOMING_BATCHES + " batches, were " + items.size());
        }
        Limits.quantityProblem(total).ifPresent(p -> in.overLimit("body", "the batches' total " + p));
        in.check();
        if (waits.location(locationId).isEmpty()) {
            return CompletableFuture.completedFuture(StockController.unknownLocation(locationId));
        }
        StockEvent event = new StockEvent(RandomIds.next(), Instant.now(),
            Outcomes.commandId(IdempotencyKeys.commandBase(request), "incoming:" + locationId + ":" + sku),
            AllocationRequestController.callerName(request), new IncomingSet(sku, locationId, (int) total, batches));
        return Outcomes.orElse(gateway.sendStock(List.of(Map.entry(sku, event))), () -> HttpResponse.ok(levels.level(sku,
            locationId, state.stock(sku).map(s -> s.getLocations().get(locationId)).orElse(null))));
    }

    @Operation(summary = "Available-to-promise of a SKU by a date",
        description = "Per location that tracks stock: available now and incoming_by_until (its batches expected at or before"
            + " until; every batch when until is absent). Totals: the same summed, waiting_demand (the unallocated quantity of"
            + " the SKU's waiting lines: demand waits for any location of its routing, so it is subtracted in totals only) and"
            + " atp = max(0, available + incoming_by_until - waiting_demand); timeline: the cumulative atp at each batch date.")
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get(uri = "/{sku}/atp", produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.PLATFORM, Role.ANALYST, Role.ADMIN})
    public HttpResponse<Map<String, Object>> atp(@PathVariable String sku, @Nullable @QueryValue String until) {
        Instant by = null;
        if (until != null && !until.isBlank()) {
            try {
                by = Instant.parse(until.trim());
            } catch (DateTimeParseException e) {
                throw InvalidRequestException.of("until", "must be an ISO-8601 instant such as 2030-01-10T00:00:00Z");
            }
        }
        SkuStock stock = state.stock(sku).orElse(null);
        if (stock == null) {
            return HttpResponse.<Map<String, Object>>status(HttpStatus.NOT_FOUND)
                .body(ErrorBody.of("not_found", "no stock recorded for " + sku));
        }
        List<LineReservation> waiting = state.waiting(sku, MAX_WAITING);
        long demand = waiting.stream().filter(l -> !l.getCancelled())
            .mapToLong(l -> Math.max(0, l.getQuantity() - l.getAllocatedQuantity())).sum();
        return HttpResponse.ok(atpView(stock, by, demand, waiting.size() >= MAX_WAITING));
    }

    private Map<String, Object> atpView(SkuStock stock, Instant until, long demand, boolean truncated) {
        List<Map<String, Object>> locations = new ArrayList<>();
        TreeMap<Instant, Long> arriving = new TreeMap<>();
        long available = 0;
        long incoming = 0;
        for (Map.Entry<String, LocationStock> e : new TreeMap<>(stock.getLocations()).entrySet()) {
            if (!state.location(e.getKey()).map(LocationUpserted::getTracksStock).orElse(true)) {
                continue;   // untracked: no limit to promise from
            }
            long here = Math.max(0, e.getValue().getPhysical() - e.getValue().getAllocated());
            long coming = 0;
            for (StockBatch b : e.getValue().getIncomingBatches() == null ? List.<StockBatch>of() : e.getValue().getIncomingBatches()) {
                if (until == null || !b.getExpectedAt().isAfter(until)) {
                    coming += b.getQuantity();
                    arriving.merge(b.getExpectedAt(), (long) b.getQuantity(), Long::sum);
                }
            }
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("location_id", e.getKey());
            view.put("available", here);
            view.put("incoming_by_until", coming);
            locations.add(view);
            available += here;
            incoming += coming;
        }
        List<Map<String, Object>> timeline = new ArrayList<>();
        long cumulative = available;
        for (Map.Entry<Instant, Long> a : arriving.entrySet()) {
            cumulative += a.getValue();
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("expected_at", Views.time(a.getKey()));
            point.put("incoming", a.getValue());
            point.put("atp", Math.max(0, cumulative - demand));
            timeline.add(point);
        }
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("available", available);
        totals.put("incoming_by_until", incoming);
        totals.put("waiting_demand", demand);
        totals.put("atp", Math.max(0, available + incoming - demand));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("sku", stock.getSku());
        view.put("until", Views.time(until));
        view.put("locations", locations);
        view.put("totals", totals);
        view.put("timeline", timeline);
        view.put("waiting_lines_truncated", truncated);
        return view;
    }

    /** A location's dated batches as JSON, earliest first (empty when it has none). */
    static List<Map<String, Object>> batches(LocationStock s) {
        List<Map<String, Object>> view = new ArrayList<>();
        if (s != null && s.getIncomingBatches() != null) {
            for (StockBatch b : s.getIncomingBatches()) {
                Map<String, Object> batch = new LinkedHashMap<>();
                batch.put("quantity", b.getQuantity());
                batch.put("expected_at", Views.time(b.getExpectedAt()));
                view.add(batch);
            }
        }
        return view;
    }

    private static Instant instant(JsonInput in, JsonNode parent, String name, String path) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            in.error(path, "required");
            return null;
        }
        try {
            return Instant.parse(node.asText().trim());
        } catch (DateTimeParseException e) {
            in.error(path, "must be an ISO-8601 instant such as 2030-01-10T00:00:00Z");
            return null;
        }
    }
}
