package dev.allotment.services.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.events.AllocationProjection;
import dev.allotment.events.Command;
import dev.allotment.events.LineAnswer;
import dev.allotment.events.LineProjection;
import dev.allotment.events.LineReservation;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.OrderStatus;
import dev.allotment.events.ProjectedAllocationLine;
import dev.allotment.events.SupplierAnswer;
import dev.allotment.services.auth.Allowed;
import dev.allotment.services.auth.Principal;
import dev.allotment.services.auth.Role;
import dev.allotment.services.engine.CommandGateway;
import dev.allotment.services.engine.Waits;
import dev.allotment.services.errors.ErrorBody;
import dev.allotment.streams.allocation.PartStatus;
import dev.allotment.streams.allocation.SupplierAnswerRule;
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
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Crux Connect's supplier answer, {@code PUT /orders/allocation/{order_uuid}/}, in both documented bodies:
 * {@code quantity_accepted/rejected/backordered} (quantities may be quoted), answered with
 * {@code [{line_item_uuid: status}]}; or {@code quantity_ordered/allocated/backordered/rejected} with
 * {@code backorder_date}, PO/invoice numbers and SKU cost, answered with {@code {"line_items": [...]}} from what the engine
 * then holds: per line its status, the units the supplier shipped, and the PO/invoice numbers and SKU cost it keeps.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
public class CruxAllocationController {
    /** A request line no answer has given documents yet. */
    private static final ProjectedAllocationLine NO_DOCUMENTS = ProjectedAllocationLine.newBuilder().setLineId("").setSku("")
        .setQuantity(0).setCompleted(false).build();
    private final EngineState state;
    private final CommandGateway gateway;
    private final Waits waits;

    public CruxAllocationController(EngineState state, CommandGateway gateway, Waits waits) {
        this.state = state;
        this.gateway = gateway;
        this.waits = waits;
    }

    /**
     * One line item of the body, resolved against the order; {@code cost}: the SKU cost's exact decimal text;
     * {@code nextVersion}: sent in the next version's body.
     */
    record Item(String uuid, LineProjection line, int accepted, int rejected, int backordered, String backorderDate,
                        String po, String invoice, String cost, String location, boolean nextVersion) {}

    @Operation(summary = "Allocate order: a supplier's answer per line (Crux Connect)", description = "Accepted quantity is confirmed, "
        + "backordered is held at the supplier with its date, rejected is released and re-routed. Quantities must add up to what "
        + "was requested of the supplier for the line (422 naming the line). Per-line status: Allocated, Backordered, Cancelled, "
        + "Rejected (no location left) or Item Not Found. The next version's body may give per line supplier_provided_po_number, "
        + "supplier_provided_invoice_number (texts, at most 2,048 characters) and supplier_provided_sku_cost (a decimal, kept "
        + "exactly; 400 when not a decimal or negative, 422 limit_exceeded past 64 characters): the engine keeps them per request "
        + "line and its answer shows what it holds, with quantity_shipped: the units the supplier shipped "
        + "(POST /allocation-requests/{id}/complete).")
    @Put(uri = "/orders/allocation/{orderId}{/slash}", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.SUPPLIER, Role.PLATFORM, Role.ADMIN})
    public CompletableFuture<HttpResponse<Object>> allocate(HttpRequest<?> request, @PathVariable String orderId,
                                                            @Nullable @PathVariable String slash, @Body String body,
                                                            @Nullable @Header("Idempotency-Key") String key) {
        Principal who = AllocationRequestController.principal(request);
        JsonNode json = JsonInput.parse(body);
        JsonInput in = new JsonInput();
        List<JsonNode> raw = in.array(json, "line_items", "line_items");
        in.check();
        OrderProjection projected = state.order(orderId).filter(o -> o.getAllocations().stream()
            .anyMatch(a -> a.getRequest() && AllocationRequestController.visible(who, a))).orElse(null);
        if (projected == null) {
            return CompletableFuture.completedFuture(HttpResponse.status(HttpStatus.NOT_FOUND).body(ErrorBody.of("not_found",
                "no order " + orderId + " with an allocation request for you")));
        }
        // the lines it names as their SKUs hold them: the projection may not have folded the supplier's last answer yet
        Set<String> skus = new LinkedHashSet<>();
        raw.forEach(node -> Optional.ofNullable(node.get("line_item_uuid")).filter(u -> u.isTextual() || u.isIntegralNumber())
            .map(uuid -> resolve(projected, uuid.asText())).ifPresent(line -> skus.add(line.getSku())));
        DecidedOrders.Decided held = DecidedOrders.decided(state, projected, skus);
        OrderProjection order = held.overlaid(null);
        List<Item> items = new ArrayList<>();
        List<ErrorBody.FieldError> mismatches = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            Item item = item(in, raw.get(i), "line_items[" + i + "].", order, who, mismatches);
            if (item != null) {
                items.add(item);
            }
        }
        in.check();
        if (!mismatches.isEmpty()) {
            Map<String, Object> error = ErrorBody.invalid(mismatches);
            error.put("error", mismatches.stream().allMatch(m -> m.field().endsWith(".backorder_date")) ? "invalid_date"
                : "quantity_mismatch");
            return CompletableFuture.completedFuture(HttpResponse.status(HttpStatus.UNPROCESSABLE_ENTITY).body(error));
        }
        if (order.getStatus() == OrderStatus.CANCELLED) {
            return CompletableFuture.completedFuture(reply(order, cancelledLines(held), items, who));
        }
        // the thread is free while the SKUs decide; then, one hop: the committed outcomes, and the SKUs' committed lines
        // laid over the projection, which folds them later
        return OffTheLoop.then(send(order, items, who, IdempotencyKeys.commandBase(request)),
            results -> {
                DecidedOrders.Decided after = DecidedOrders.decided(state, projected, skus);
                return reply(after.overlaid(DecidedOrders.decidedAt(results)), cancelledLines(after), items, who);
            });
    }

    /**
     * The reply in the version the body was sent in, from the order as decided; {@code cancelled}: the lines their SKUs
     * hold cancelled, which the projection may not have folded yet (the order's cancellation reaches the SKUs first).
     */
    private static HttpResponse<Object> reply(OrderProjection order, Set<String> cancelled, List<Item> items, Principal who) {
        boolean nextVersion = items.stream().anyMatch(Item::nextVersion);
        return HttpResponse.ok(nextVersion ? nextVersionReply(order, cancelled, items, who)
            : firstVersionReply(order, cancelled, items, who));
    }

    /** The ids of the lines that {@code held}'s SKUs hold cancelled. */
    private static Set<String> cancelledLines(DecidedOrders.Decided held) {
        Set<String> cancelled = new HashSet<>();
        held.lines().values().forEach(lines -> lines.stream().filter(LineReservation::getCancelled)
            .forEach(l -> cancelled.add(l.getLineId())));
        return cancelled;
    }

    /**
     * One line item of the body ({@code at}: its place, for errors), resolved against the order; a quantity that does not
     * add up to what is requested of the caller for the line goes to {@code mismatches}. Null when it cannot be read.
     */
    private static Item item(JsonInput in, JsonNode node, String at, OrderProjection order, Principal who,
                             List<ErrorBody.FieldError> mismatches) {
        String uuid = in.requiredString(node, "line_item_uuid", at + "line_item_uuid");
        String po = in.optionalString(node, "supplier_provided_po_number", at + "supplier_provided_po_number");
        String invoice = in.optionalString(node, "supplier_provided_invoice_number", at + "supplier_provided_invoice_number");
        String cost = in.optionalDecimal(node, "supplier_provided_sku_cost", at + "supplier_provided_sku_cost");
        JsonNode allocation = node.get("allocation");
        if (allocation == null || !allocation.isObject()) {
            in.error(at + "allocation", "an object with the quantities is required");
            return null;
        }
        boolean v2 = allocation.has("quantity_ordered") || allocation.has("quantity_allocated");
        Integer ordered = v2 ? in.wholeNumber(allocation, "quantity_ordered", at + "allocation.quantity_ordered", null) : null;
        String acceptedAs = v2 ? "quantity_allocated" : "quantity_accepted";
        int accepted = orZero(in.wholeNumber(allocation, acceptedAs, at + "allocation." + acceptedAs, 0));
        int rejected = orZero(in.wholeNumber(allocation, "quantity_rejected", at + "allocation.quantity_rejected", 0));
        int backordered = orZero(in.wholeNumber(allocation, "quantity_backordered", at + "allocation.quantity_backordered", 0));
        if (accepted < 0 || rejected < 0 || backordered < 0) {
            in.error(at + "allocation", "quantities must not be negative");
        }
        LineProjection line = uuid == null ? null : resolve(order, uuid);
        if (line == null) {
            return uuid == null ? null
                : new Item(uuid, null, 0, 0, 0, null, po, invoice, cost, null, v2);
        }
        List<ProjectedAllocationLine> open = openParts(order, line.getLineId(), who);
        long requested = open.stream().mapToLong(p -> PartStatus.of(p.getStatus()).openQuantity(p.getQuantity(),
            p.getBackorderedQuantity())).sum();
        Set<String> where = new LinkedHashSet<>();
        order.getAllocations().stream().filter(a -> a.getRequest() && AllocationRequestController.visible(who, a))
            .filter(a -> a.getLines().stream().anyMatch(open::contains)).forEach(a -> where.add(a.getLocationId()));
        if (order.getStatus() != OrderStatus.CANCELLED) {
            Optional<String> mismatch = SupplierAnswerRule.quantityMismatch(uuid, v2 ? "allocated" : "accepted", accepted,
                rejected, backordered, requested);
            if (ordered != null && ordered.longValue() != requested) {
                mismatches.add(new ErrorBody.FieldError(at + "allocation.quantity_ordered", "line " + uuid + ": quantity_ordered is "
                    + ordered + ", but " + requested + " is requested of you for this line"));
            } else if (mismatch.isPresent()) {
                mismatches.add(new ErrorBody.FieldError(at + "allocation", mismatch.get() + " of you for this line"));
            } else if (where.size() > 1 && who != null && who.role() == Role.SUPPLIER) {
                in.error(at + "allocation", "line " + uuid + " has requests at several of your locations: answer each "
                    + "with POST /allocation-requests/{id}/confirm or /reject");
            }
        }
        String backorderDate = in.optionalString(allocation, "backorder_date", at + "allocation.backorder_date");
        if (backorderDate != null && !isDate(backorderDate)) {
            mismatches.add(new ErrorBody.FieldError(at + "allocation.backorder_date", "must be a date, as 2030-01-10 or "
                + "2030-01-10T00:00:00Z, was " + backorderDate));
        }
        return new Item(uuid, line, accepted, rejected, backordered, backorderDate, po, invoice, cost,
            where.size() == 1 ? where.iterator().next() : null, v2);
    }

    /** An ISO-8601 date ({@code 2030-01-10}) or date and time with its offset ({@code 2030-01-10T00:00:00Z}). */
    static boolean isDate(String text) {
        try {
            java.time.LocalDate.parse(text);
            return true;
        } catch (java.time.format.DateTimeParseException e) {
            try {
                java.time.OffsetDateTime.parse(text);
                return true;
            } catch (java.time.format.DateTimeParseException e2) {
                return false;
            }
        }
    }

    /**
     * One SupplierAnswer per (SKU, location), decided on the SKU's partition; the outcomes once committed, or a
     * {@link RefusedException} with the refusal.
     */
    private CompletableFuture<List<CommandGateway.Result>> send(OrderProjection order, List<Item> items, Principal who,
                                                                String base) {
        Map<String, List<Item>> groups = new LinkedHashMap<>();
        for (Item item : items) {
            if (item.line() != null && item.accepted() + item.rejected() + item.backordered() > 0) {
                groups.computeIfAbsent(item.line().getSku() + "\u0000" + (item.location() == null ? "" : item.location()),
                    g -> new ArrayList<>()).add(item);
            }
        }
        if (groups.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        Set<String> skus = new LinkedHashSet<>();
        groups.values().forEach(g -> skus.add(g.get(0).line().getSku()));
        return OffTheLoop.thenWait(waits.lines(order.getOrderId(), skus), held -> send(order, groups, who, base));
    }

    /** {@link #send(OrderProjection, List, Principal, String)} once the order's lines are on their SKUs' partitions. */
    private CompletableFuture<List<CommandGateway.Result>> send(OrderProjection order, Map<String, List<Item>> groups,
                                                                Principal who, String base) {
        Instant now = Instant.now();
        List<Map.Entry<String, Command>> commands = new ArrayList<>();
        groups.forEach((group, list) -> {
            String sku = list.get(0).line().getSku();
            String location = list.get(0).location();
            List<LineAnswer> answers = list.stream().map(i -> LineAnswer.newBuilder().setLineId(i.line().getLineId())
                .setAccepted(i.accepted()).setRejected(i.rejected()).setBackordered(i.backordered())
                .setBackorderDate(i.backorderDate()).setSupplierPoNumber(i.po()).setSupplierInvoiceNumber(i.invoice())
                .setSupplierSkuCost(i.cost()).build()).toList();
            commands.add(Map.entry(sku, new Command(Outcomes.commandId(base, "answer:" + sku + ":" + location), now,
                who == null ? null : who.name(), order.getOrderId(), new SupplierAnswer(location, answers, null, null, null), null)));
        });
        return OffTheLoop.then(gateway.send(commands), results -> {
            HttpResponse<Map<String, Object>> refused = Outcomes.unless(results);
            if (refused != null) {
                throw new RefusedException(refused);
            }
            return results;
        });
    }

    private static List<Object> firstVersionReply(OrderProjection order, Set<String> cancelled, List<Item> items, Principal who) {
        List<Object> reply = new ArrayList<>();
        for (Item item : items) {
            reply.add(Map.of(item.uuid(), status(order, cancelled, item, who)));
        }
        return reply;
    }

    /**
     * The next version's reply, from what the engine holds after the answer (not the request echoed): per line, the units
     * the supplier has shipped and what the supplier's request line keeps of its PO and invoice numbers and SKU cost.
     */
    private static Map<String, Object> nextVersionReply(OrderProjection order, Set<String> cancelled, List<Item> items,
                                                        Principal who) {
        List<Object> lines = new ArrayList<>();
        for (Item item : items) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("line_item_uuid", item.uuid());
            view.put("status", status(order, cancelled, item, who));
            List<ProjectedAllocationLine> parts = item.line() == null ? List.of() : supplierParts(order, item, who);
            view.put("quantity_shipped", shipped(parts));
            RequestViews.supplierDocuments(view, parts.stream().filter(CruxAllocationController::hasDocuments)
                .reduce((first, second) -> second).orElse(NO_DOCUMENTS));
            lines.add(view);
        }
        return Map.of("line_items", lines);
    }

    private static boolean hasDocuments(ProjectedAllocationLine p) {
        return p.getSupplierPoNumber() != null || p.getSupplierInvoiceNumber() != null || p.getSupplierSkuCost() != null;
    }

    /**
     * The request lines of the item's order line at the supplier's location (the one it answered, else every location of
     * the caller's), oldest request first.
     */
    private static List<ProjectedAllocationLine> supplierParts(OrderProjection order, Item item, Principal who) {
        return order.getAllocations().stream()
            .filter(a -> a.getRequest() && AllocationRequestController.visible(who, a))
            .filter(a -> item.location() == null || item.location().equals(a.getLocationId()))
            .sorted(Comparator.comparing(AllocationProjection::getCreatedAt))
            .flatMap(a -> a.getLines().stream()).filter(p -> p.getLineId().equals(item.line().getLineId())).toList();
    }

    /** Crux's per-line status after the answer; {@code cancelled}: the lines their SKUs hold cancelled. */
    static String status(OrderProjection order, Set<String> cancelled, Item item, Principal who) {
        if (item.line() == null) {
            return "Item Not Found";
        }
        if (order.getStatus() == OrderStatus.CANCELLED || cancelled.contains(item.line().getLineId())) {
            return "Cancelled";   // the SKU holds it cancelled: an answer there changed nothing, whatever the fold shows yet
        }
        LineProjection line = order.getLines().stream().filter(l -> l.getLineId().equals(item.line().getLineId())).findFirst()
            .orElse(item.line());
        boolean backordered = order.getAllocations().stream().filter(a -> a.getRequest() && AllocationRequestController.visible(who, a))
            .flatMap(a -> a.getLines().stream()).anyMatch(p -> p.getLineId().equals(line.getLineId()) && !p.getCompleted()
                && PartStatus.of(p.getStatus()) == PartStatus.BACKORDERED);
        if (backordered) {
            return "Backordered";
        }
        if (item.rejected() > 0 && line.getAllocatedQuantity() < line.getQuantity()) {
            return "Rejected";
        }
        return "Allocated";
    }

    /** Crux's quantity_shipped: the units of these request lines the supplier reported shipped (completed). */
    private static long shipped(List<ProjectedAllocationLine> parts) {
        return parts.stream().filter(ProjectedAllocationLine::getCompleted).mapToLong(ProjectedAllocationLine::getQuantity).sum();
    }

    /** The answerable request lines of an order line within the caller's locations. */
    private static List<ProjectedAllocationLine> openParts(OrderProjection order, String lineId, Principal who) {
        List<ProjectedAllocationLine> open = new ArrayList<>();
        for (AllocationProjection a : order.getAllocations()) {
            if (a.getRequest() && AllocationRequestController.visible(who, a)) {
                a.getLines().stream().filter(p -> p.getLineId().equals(lineId) && AllocationRequestController.open(p)).forEach(open::add);
            }
        }
        return open;
    }

    /** The order line a Crux line_item_uuid names: its line id, else its SKU. */
    private static LineProjection resolve(OrderProjection order, String uuid) {
        return order.getLines().stream().filter(l -> l.getLineId().equals(uuid)).findFirst()
            .or(() -> order.getLines().stream().filter(l -> l.getSku().equals(uuid)).findFirst()).orElse(null);
    }

    private static int orZero(Integer n) {
        return n == null ? 0 : n;
    }
}
