package dev.allotment.services.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.events.AllocateLines;
import dev.allotment.events.AllocationProjection;
import dev.allotment.events.Command;
import dev.allotment.events.DeleteAllocations;
import dev.allotment.events.LineProjection;
import dev.allotment.events.LineQuantity;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.UpdateAllocation;
import dev.allotment.services.auth.Allowed;
import dev.allotment.services.auth.Role;
import dev.allotment.services.engine.CommandGateway;
import dev.allotment.services.engine.Waits;
import dev.allotment.streams.allocation.AllocationIds;
import dev.allotment.streams.order.OrderFold;
import dev.allotment.streams.state.EngineState;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Envoy's allocation routes: per order GET/POST/PATCH/DELETE, and the paginated list. Item ids are SKUs. */
@Controller("/allocations")
@ExecuteOn(TaskExecutors.BLOCKING)
public class EnvoyAllocationController {
    private final CommandGateway gateway;
    private final EngineState state;
    private final Waits waits;

    public EnvoyAllocationController(CommandGateway gateway, EngineState state, Waits waits) {
        this.gateway = gateway;
        this.state = state;
        this.waits = waits;
    }

    /**
     * Sends the commands and answers the refusal, if any, else {@code accepted}. An accepted change is answered from the
     * SKUs' committed lines ({@link AllocationViews#envoyFresh}), one hop after it; {@code GET /allocations/orders/{id}}
     * reads the order's projection, which shows it one fold later.
     */
    private CompletableFuture<HttpResponse<Map<String, Object>>> send(List<Map.Entry<String, Command>> commands,
                                                                      Supplier<HttpResponse<Map<String, Object>>> accepted) {
        return Outcomes.orElse(gateway.send(commands), accepted);
    }

    @Operation(summary = "Allocations of an order (Envoy)")
    @Get(uri = "/orders/{orderId}", produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.PLATFORM, Role.ANALYST, Role.ADMIN})
    public HttpResponse<Map<String, Object>> ofOrder(@PathVariable String orderId) {
        return state.order(orderId).<HttpResponse<Map<String, Object>>>map(o -> HttpResponse.ok(Map.of("data",
                o.getAllocations().stream().filter(OrderFold::heldOrCompleted).map(a -> AllocationViews.envoy(o, a)).toList())))
            .orElseGet(() -> OrderController.notFound(orderId));
    }

    @Operation(summary = "Create allocations for an order (Envoy)")
    @Post(uri = "/orders/{orderId}", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.PLATFORM, Role.ADMIN})
    public CompletableFuture<HttpResponse<Map<String, Object>>> create(HttpRequest<?> request, @PathVariable String orderId,
                                                                       @Body String body,
                                                                       @Nullable @Header("Idempotency-Key") String key) {
        JsonNode json = JsonInput.parse(body);
        JsonInput in = new JsonInput();
        List<JsonNode> allocations = in.array(json, "allocations", "allocations");
        String base = IdempotencyKeys.commandBase(request);
        Instant now = Instant.now();
        String caller = AllocationRequestController.callerName(request);
        List<Map.Entry<String, Command>> commands = new ArrayList<>();
        Map<String, Set<String>> skusOf = new LinkedHashMap<>();
        for (int i = 0; i < allocations.size(); i++) {
            String at = "allocations[" + i + "].";
            JsonNode location = allocations.get(i).get("location");
            String locationId = location == null || !location.isObject() ? null
                : in.requiredString(location, "id", at + "location.id");
            if (location == null || !location.isObject()) {
                in.error(at + "location", "an object with the location's id is required");
            }
            Map<String, List<LineQuantity>> bySku = items(in, allocations.get(i), at, true);
            String allocationId = AllocationIds.derive(orderId, base, Integer.toString(i));
            skusOf.put(allocationId, bySku.keySet());
            String prefix = base + ":" + i + ":";
            bySku.forEach((sku, lines) -> commands.add(Map.entry(sku, new Command(prefix + sku, now, caller,
                orderId, new AllocateLines(locationId, lines, allocationId), null))));
        }
        in.check();
        OrderProjection order = state.order(orderId).orElse(null);
        if (order == null) {
            return CompletableFuture.completedFuture(OrderController.notFound(orderId));
        }
        return OffTheLoop.thenWait(waits.lines(orderId, order.getLines().stream().map(LineProjection::getSku).distinct().toList()),
            held -> send(commands, () -> HttpResponse.<Map<String, Object>>status(HttpStatus.CREATED).body(Map.of("data",
                skusOf.entrySet().stream().map(e -> AllocationViews.envoyFresh(state, orderId, e.getKey(), e.getValue())).toList()))));
    }

    @Operation(summary = "Change quantities of, move, or complete existing allocations (Envoy)",
        description = "allocations[].location moves an allocation: its stock is released where it is and taken at the new "
            + "location in one decision per SKU, all SKUs or none")
    @Patch(uri = "/orders/{orderId}", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.PLATFORM, Role.ADMIN})
    public CompletableFuture<HttpResponse<Map<String, Object>>> update(HttpRequest<?> request, @PathVariable String orderId,
                                                                       @Body String body,
                                                                       @Nullable @Header("Idempotency-Key") String key) {
        JsonNode json = JsonInput.parse(body);
        JsonInput in = new JsonInput();
        List<JsonNode> allocations = in.array(json, "allocations", "allocations");
        OrderProjection order = state.order(orderId).orElse(null);
        if (order == null) {
            return CompletableFuture.completedFuture(OrderController.notFound(orderId));
        }
        String base = IdempotencyKeys.commandBase(request);
        Instant now = Instant.now();
        String caller = AllocationRequestController.callerName(request);
        List<Map.Entry<String, Command>> commands = new ArrayList<>();
        Map<String, Set<String>> skusOf = new LinkedHashMap<>();
        for (int i = 0; i < allocations.size(); i++) {
            String at = "allocations[" + i + "].";
            String id = in.requiredReference(allocations.get(i), "id", at + "id");
            Map<String, List<LineQuantity>> bySku = allocations.get(i).has("items")
                ? items(in, allocations.get(i), at, false) : new LinkedHashMap<>();
            Instant completedAt = completedAt(in, allocations.get(i), at);
            JsonNode location = allocations.get(i).get("location");
            String moveTo = null;
            if (location != null && !location.isNull()) {
                moveTo = location.isObject() ? in.requiredString(location, "id", at + "location.id") : null;
                if (!location.isObject()) {
                    in.error(at + "location", "an object with the location's id");
                }
            }
            if (id == null) {
                continue;
            }
            Set<String> skus = new LinkedHashSet<>(bySku.keySet());
            Set<String> held = skusHolding(order, id);
            if (completedAt != null || moveTo != null) {
                skus.addAll(held);   // completed or moved whole: every SKU it holds
            }
            if (skus.isEmpty()) {
                if (held.isEmpty()) {
                    in.error(at + "id", "order " + orderId + " has no allocation " + id);
                } else {
                    in.error(at, "give items to change, a location to move it to, or completed_at");
                }
                continue;
            }
            skusOf.put(id, skus);
            for (String sku : skus) {
                commands.add(Map.entry(sku, new Command(base + ":" + i + ":" + sku, now, caller, orderId,
                    new UpdateAllocation(id, bySku.get(sku), completedAt, moveTo), null)));
            }
        }
        in.check();
        return send(commands, () -> HttpResponse.ok(Map.of("data", skusOf.entrySet().stream()
            .map(e -> AllocationViews.envoyFresh(state, orderId, e.getKey(), e.getValue())).toList())));
    }

    @Operation(summary = "Delete every allocation of an order (Envoy); the reservation stays")
    @Delete(uri = "/orders/{orderId}", produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.PLATFORM, Role.ADMIN})
    public CompletableFuture<HttpResponse<Map<String, Object>>> delete(HttpRequest<?> request, @PathVariable String orderId,
                                                                       @Nullable @Header("Idempotency-Key") String key) {
        OrderProjection order = state.order(orderId).orElse(null);
        if (order == null) {
            return CompletableFuture.completedFuture(OrderController.notFound(orderId));
        }
        String base = IdempotencyKeys.commandBase(request);
        Instant now = Instant.now();
        String caller = AllocationRequestController.callerName(request);
        List<Map.Entry<String, Command>> commands = order.getLines().stream().map(LineProjection::getSku).distinct()
            .map(sku -> Map.entry(sku, new Command(base + ":delete:" + sku, now, caller, orderId, new DeleteAllocations(), null)))
            .toList();
        return send(commands, HttpResponse::noContent);
    }

    @Operation(summary = "Allocations, by location and/or orders (Envoy), with cursors")
    @Get(produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.PLATFORM, Role.ANALYST, Role.ADMIN})
    public Map<String, Object> list(@Nullable @QueryValue("location_id") String locationId,
                                    @Nullable @QueryValue("order_id") List<String> orderIds,
                                    @Nullable @QueryValue String cursor, @Nullable @QueryValue String limit) {
        int size = ReservationController.limit(limit);
        PageCursor at = cursor == null || cursor.isBlank() ? null : PageCursor.decode(cursor);
        boolean backwards = at != null && !at.forward();
        // whole orders, walked from the cursor in its direction, until the page holds `size` allocations
        List<List<Map<String, Object>>> rows = new ArrayList<>();
        List<String> pageOrders = new ArrayList<>();
        int shown = 0;
        boolean more = false;
        for (Iterator<OrderProjection> it = orders(at, orderIds, locationId, size + 1); it.hasNext(); ) {
            OrderProjection o = it.next();
            List<AllocationProjection> matching = o.getAllocations().stream().filter(OrderFold::heldOrCompleted)
                .filter(a -> locationId == null || locationId.equals(a.getLocationId())).toList();
            if (matching.isEmpty()) {
                continue;
            }
            if (shown >= size) {
                more = true;
                break;
            }
            rows.add(matching.stream().map(a -> AllocationViews.envoy(o, a)).toList());
            pageOrders.add(o.getOrderId());
            shown += matching.size();
        }
        if (backwards) {
            java.util.Collections.reverse(rows);
            java.util.Collections.reverse(pageOrders);
        }
        List<Map<String, Object>> data = new ArrayList<>();
        rows.forEach(data::addAll);
        boolean hasNext = backwards || more;
        boolean hasPrevious = backwards ? more : at != null;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", data);
        body.put("next_cursor", hasNext && !pageOrders.isEmpty()
            ? new PageCursor(true, pageOrders.get(pageOrders.size() - 1)).encode() : null);
        body.put("previous_cursor", hasPrevious && !pageOrders.isEmpty() ? new PageCursor(false, pageOrders.get(0)).encode() : null);
        body.put("limit", size);
        return body;
    }

    /**
     * The orders from the cursor on in its direction (after its key, ascending; or, for a cursor back, before its key,
     * nearest first): the named ones, each looked up by its key (so a filter by order costs its orders, not a scan of
     * every order), or else those with an allocation at {@code locationId} (from the index of allocations by location)
     * when it is given, or else every order; {@code batch} at a time (a page's worth and one: each order the index gives
     * fills a row, so one batch usually is the page).
     */
    private Iterator<OrderProjection> orders(PageCursor at, List<String> orderIds, String locationId, int batch) {
        boolean backwards = at != null && !at.forward();
        String from = at == null ? null : at.key();
        if (orderIds != null && !orderIds.isEmpty()) {
            java.util.NavigableSet<String> ids = new TreeSet<>(orderIds);
            java.util.NavigableSet<String> walked = from == null ? ids
                : backwards ? ids.headSet(from, false).descendingSet() : ids.tailSet(from, false);
            return walked.stream().map(state::order).flatMap(Optional::stream).iterator();
        }
        return new Iterator<>() {
            private String bound = from;
            private Iterator<OrderProjection> page = Collections.emptyIterator();
            private boolean exhausted;

            @Override
            public boolean hasNext() {
                if (!page.hasNext() && !exhausted) {
                    String after = backwards ? null : bound;
                    String before = backwards ? bound : null;
                    List<OrderProjection> next = locationId == null ? state.orders(after, before, batch)
                        : state.ordersAt(locationId, after, before, batch);
                    exhausted = next.size() <= batch;
                    // each read answers a batch and one in ascending order: the batch nearest the bound is walked
                    List<OrderProjection> nearest = new ArrayList<>(backwards
                        ? next.subList(Math.max(0, next.size() - batch), next.size()) : next.subList(0, Math.min(batch, next.size())));
                    if (backwards) {
                        Collections.reverse(nearest);
                    }
                    page = nearest.iterator();
                }
                return page.hasNext();
            }

            @Override
            public OrderProjection next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                OrderProjection o = page.next();
                bound = o.getOrderId();
                return o;
            }
        };
    }

    private static Map<String, List<LineQuantity>> items(JsonInput in, JsonNode allocation, String at, boolean positive) {
        Map<String, List<LineQuantity>> bySku = new LinkedHashMap<>();
        List<JsonNode> items = in.array(allocation, "items", at + "items");
        for (int j = 0; j < items.size(); j++) {
            String itemAt = at + "items[" + j + "].";
            String sku = in.requiredSku(items.get(j), "id", itemAt + "id");
            Integer quantity = in.wholeNumber(items.get(j), "quantity", itemAt + "quantity", null);
            if (quantity != null && (positive ? quantity <= 0 : quantity < 0)) {
                in.error(itemAt + "quantity", positive ? "must be above 0" : "must not be negative");
            }
            if (sku != null && quantity != null) {
                bySku.computeIfAbsent(sku, s -> new ArrayList<>()).add(new LineQuantity(null, sku, quantity));
            }
        }
        return bySku;
    }

    private static Instant completedAt(JsonInput in, JsonNode allocation, String at) {
        String text = in.optionalString(allocation, "completed_at", at + "completed_at");
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            in.error(at + "completed_at", "must be an ISO-8601 date-time such as 2023-02-28T20:00:42.815574Z");
            return null;
        }
    }

    /** The SKUs whose partitions hold a part of allocation {@code id} of the order (fresh, not the projection). */
    private Set<String> skusHolding(OrderProjection order, String id) {
        Set<String> skus = new LinkedHashSet<>();
        order.getLines().stream().map(LineProjection::getSku).distinct().forEach(sku -> {
            boolean holds = state.lines(sku, order.getOrderId()).stream()
                .anyMatch(l -> l.getAllocations().stream().anyMatch(p -> p.getAllocationId().equals(id)));
            if (holds) {
                skus.add(sku);
            }
        });
        return skus;
    }
}
