package dev.allotment.services.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.events.AllocateLines;
import dev.allotment.events.Command;
import dev.allotment.events.LineQuantity;
import dev.allotment.events.OrderProjection;
import dev.allotment.services.auth.Allowed;
import dev.allotment.services.auth.Role;
import dev.allotment.services.engine.CommandGateway;
import dev.allotment.services.engine.Waits;
import dev.allotment.streams.allocation.AllocationIds;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Veeqo's {@code POST /orders/{order_id}/allocations}: allocate line items (by sellable, i.e. SKU) at a warehouse. */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
public class VeeqoAllocationController {
    private final CommandGateway gateway;
    private final EngineState state;
    private final Waits waits;

    public VeeqoAllocationController(CommandGateway gateway, EngineState state, Waits waits) {
        this.gateway = gateway;
        this.state = state;
        this.waits = waits;
    }

    @Operation(summary = "Create an allocation (Veeqo)", description = "201 with allocated_completely and the allocation; "
        + "409 when the warehouse lacks stock or the order is cancelled; 422 for unknown lines or more than is unallocated.")
    @Post(uri = "/orders/{orderId}/allocations", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.PLATFORM, Role.ADMIN})
    public CompletableFuture<HttpResponse<Map<String, Object>>> allocate(HttpRequest<?> request, @PathVariable String orderId,
                                                                         @Body String body,
                                                                         @Nullable @Header("Idempotency-Key") String key) {
        JsonNode json = JsonInput.parse(body);
        JsonInput in = new JsonInput();
        JsonNode allocation = json.get("allocation");
        if (allocation == null || !allocation.isObject()) {
            throw InvalidRequestException.of("allocation", "an object with warehouse_id and line_items_attributes is required");
        }
        String warehouse = in.requiredString(allocation, "warehouse_id", "allocation.warehouse_id");
        java.util.Set<String> sentAsNumbers = new java.util.HashSet<>();
        if (warehouse != null && allocation.get("warehouse_id").isIntegralNumber()) {
            sentAsNumbers.add(warehouse);
        }
        Map<String, List<LineQuantity>> bySku = new LinkedHashMap<>();
        List<JsonNode> items = in.array(allocation, "line_items_attributes", "allocation.line_items_attributes");
        if (items.isEmpty() && allocation.has("line_items_attributes")) {
            in.error("allocation.line_items_attributes", "at least one line item is required");
        }
        for (int i = 0; i < items.size(); i++) {
            String at = "allocation.line_items_attributes[" + i + "].";
            String sku = in.requiredSku(items.get(i), "sellable_id", at + "sellable_id");
            if (sku != null && items.get(i).get("sellable_id").isIntegralNumber()) {
                sentAsNumbers.add(sku);
            }
            Integer quantity = in.wholeNumber(items.get(i), "quantity", at + "quantity", null);
            if (quantity != null && quantity <= 0) {
                in.error(at + "quantity", "must be above 0");
            }
            if (sku != null && quantity != null) {
                bySku.computeIfAbsent(sku, s -> new ArrayList<>()).add(new LineQuantity(null, sku, quantity));
            }
        }
        in.check();
        OrderProjection order = state.order(orderId).orElse(null);
        if (order == null) {
            return CompletableFuture.completedFuture(OrderController.notFound(orderId));
        }
        // the thread is free while the order's lines reach their SKUs and while the SKUs decide
        return OffTheLoop.thenWait(waits.lines(orderId, order.getLines().stream().map(l -> l.getSku())
            .filter(bySku::containsKey).distinct().toList()), held -> {
                String base = IdempotencyKeys.commandBase(request);
                String allocationId = AllocationIds.derive(orderId, base);
                Instant now = Instant.now();
                String caller = AllocationRequestController.callerName(request);
                List<Map.Entry<String, Command>> commands = new ArrayList<>();
                bySku.forEach((sku, lines) -> commands.add(Map.entry(sku, new Command(base + ":allocate:" + sku, now, caller,
                    orderId, new AllocateLines(warehouse, lines, allocationId), null))));
                return OffTheLoop.then(gateway.send(commands), results -> answer(order, orderId, allocationId, warehouse,
                    bySku.keySet(), now, sentAsNumbers, results));
            });
    }

    private HttpResponse<Map<String, Object>> answer(OrderProjection order, String orderId, String allocationId,
                                                     String warehouse, java.util.Set<String> skus, Instant now,
                                                     java.util.Set<String> sentAsNumbers, List<CommandGateway.Result> results) {
        HttpResponse<Map<String, Object>> refused = Outcomes.unless(results);
        if (refused != null) {
            return refused;
        }
        // the order as Veeqo answers it, one hop after the command: the SKUs' committed lines laid over the projection
        // (the order and the lines read once: the allocation and the order's line items show the same state)
        DecidedOrders.Decided decided = DecidedOrders.decided(state, order, skus);
        OrderProjection after = decided.overlaid(DecidedOrders.decidedAt(results));
        AllocationViews.VeeqoIds ids = new AllocationViews.VeeqoIds(sentAsNumbers);
        AllocationViews.Sellables sellables = new AllocationViews.Sellables();
        Map<String, Object> made = AllocationViews.veeqo(state, orderId, allocationId, warehouse, decided.lines(), now, ids,
            sellables);
        return HttpResponse.<Map<String, Object>>status(HttpStatus.CREATED).body(AllocationViews.veeqoOrder(state, after, made,
            Views.allocatedCompletely(after), ids, sellables));
    }
}
