package dev.allotment.services.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.events.AllocationProjection;
import dev.allotment.events.Command;
import dev.allotment.events.ConfirmAllocationRequest;
import dev.allotment.events.LineProjection;
import dev.allotment.events.LineReservation;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.ProjectedAllocationLine;
import dev.allotment.events.RejectAllocationRequest;
import dev.allotment.events.UpdateAllocation;
import dev.allotment.services.auth.Allowed;
import dev.allotment.services.auth.ApiKeyFilter;
import dev.allotment.services.auth.Principal;
import dev.allotment.services.auth.Role;
import dev.allotment.services.engine.CommandGateway;
import dev.allotment.services.engine.RequestSkus;
import dev.allotment.services.engine.Waits;
import dev.allotment.services.errors.ErrorBody;
import dev.allotment.streams.allocation.PartStatus;
import dev.allotment.streams.allocation.RefusalCode;
import dev.allotment.streams.order.OrderFold;
import dev.allotment.streams.order.OrderOverlay;
import dev.allotment.streams.state.EngineState;
import dev.allotment.streams.state.FoundRequest;
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
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Centra's "direct, then confirm" API: {@code GET /allocation-requests} (status, order, warehouse,
 * page of 100), the answers {@code POST /allocation-requests/{id}/confirm|reject}, and the supplier's report that it
 * shipped a request, {@code POST /allocation-requests/{id}/complete}. A supplier's key
 * sees and answers only the requests of its own locations; any other request is 404, so ids do not leak.
 */
@Controller("/allocation-requests")
@ExecuteOn(TaskExecutors.BLOCKING)
public class AllocationRequestController {
    /** Every status a request can have (Centra's, and backordered from supplier answers). */
    static final List<String> STATUSES = PartStatus.wireNames();
    /** Centra's default: the requests a supplier can still act on. */
    static final Set<String> ACTIONABLE = PartStatus.wireNames().stream().filter(s -> PartStatus.of(s).isAnswerable())
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
    static final int PAGE_SIZE = 100;

    private final EngineState state;
    private final CommandGateway gateway;
    private final Waits waits;

    public AllocationRequestController(EngineState state, CommandGateway gateway, Waits waits) {
        this.state = state;
        this.gateway = gateway;
        this.waits = waits;
    }

    @Operation(summary = "Allocation requests (Centra)", description = "status: one or a comma list of allocated, sent, failed, "
        + "confirmed, rejected, timed-out, outdated (and backordered, completed), or all; default: the actionable ones. "
        + "order and warehouse: comma lists. page: from 1, 100 a page. Errors answer 200 with status \"no\" as Centra does.")
    @Get(produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.SUPPLIER, Role.PLATFORM, Role.ANALYST, Role.ADMIN})
    public Map<String, Object> list(HttpRequest<?> request, @Nullable @QueryValue String status, @Nullable @QueryValue String order,
                                    @Nullable @QueryValue String warehouse, @Nullable @QueryValue String page) {
        Set<String> statuses;
        if (status == null || status.isBlank()) {
            statuses = ACTIONABLE;
        } else if (status.trim().equals("all")) {
            statuses = Set.copyOf(STATUSES);
        } else {
            statuses = commaList(status);
            if (!STATUSES.containsAll(statuses)) {
                return centraError("status", "Expected \"status\" to be a single or a comma-separated list of request statuses, "
                    + "or \"all\", got \"" + status + "\"");
            }
        }
        int pageNumber = 1;
        if (page != null && !page.isBlank()) {
            try {
                pageNumber = Integer.parseInt(page.trim());
            } catch (NumberFormatException e) {
                pageNumber = 0;
            }
            if (pageNumber < 1) {
                return centraError("page", "Expected \"page\" to be a whole number from 1, got \"" + page + "\"");
            }
        }
        Set<String> orders = order == null || order.isBlank() ? null : commaList(order);
        Set<String> warehouses = warehouse == null || warehouse.isBlank() ? null : commaList(warehouse);
        Principal who = principal(request);
        Set<String> locations = warehouses;
        if (who != null && who.role() == Role.SUPPLIER) {   // a supplier sees its own locations' requests alone
            locations = new LinkedHashSet<>(who.locations());
            if (warehouses != null) {
                locations.retainAll(warehouses);
            }
        }
        int skip = (int) Math.min((long) (pageNumber - 1) * PAGE_SIZE, Integer.MAX_VALUE - PAGE_SIZE);
        List<FoundRequest> found = orders == null ? state.requests(statuses, locations, skip + PAGE_SIZE)
            : ofOrders(orders, statuses, locations);
        List<Map<String, Object>> matching = new ArrayList<>();
        for (FoundRequest f : found.subList(Math.min(skip, found.size()), Math.min(skip + PAGE_SIZE, found.size()))) {
            matching.add(RequestViews.centra(state, f.order(), f.request()));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("allocation_requests", matching);
        return body;
    }

    /**
     * The requests of the named orders, oldest first: each named by its id is read by its key; a name that is no order's
     * id is taken for an order number, found among the requests of the statuses asked for (the one filter no index serves).
     */
    private List<FoundRequest> ofOrders(Set<String> orders, Set<String> statuses, Set<String> locations) {
        List<FoundRequest> found = new ArrayList<>();
        Set<String> numbers = new LinkedHashSet<>();
        for (String name : orders) {
            state.order(name).ifPresentOrElse(o -> o.getAllocations().stream()
                .filter(a -> a.getRequest() && statuses.contains(a.getStatus())
                    && (locations == null || locations.contains(a.getLocationId())))
                .forEach(a -> found.add(new FoundRequest(o, a))), () -> numbers.add(name));
        }
        if (!numbers.isEmpty()) {
            state.requests(statuses, locations, Integer.MAX_VALUE).stream()
                .filter(f -> f.order().getOrderNumber() != null && numbers.contains(f.order().getOrderNumber())).forEach(found::add);
        }
        found.sort(Comparator.comparing((FoundRequest f) -> f.request().getCreatedAt())
            .thenComparing(f -> f.request().getAllocationId()));
        return found;
    }

    @Operation(summary = "One allocation request")
    @Get(uri = "/{id}", produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.SUPPLIER, Role.PLATFORM, Role.ANALYST, Role.ADMIN})
    public HttpResponse<Map<String, Object>> one(HttpRequest<?> request, @PathVariable String id) {
        return state.request(id).filter(f -> visible(principal(request), f.request()))
            .<HttpResponse<Map<String, Object>>>map(f -> HttpResponse.ok(ok(f)))
            .orElseGet(() -> notFound(id));
    }

    @Operation(summary = "Confirm an allocation request", description = "Final for every line of the request. A timed-out request "
        + "can still be confirmed while its lines' flow goes on: it takes its stock back and outdates the requests that replaced it. "
        + "409 request_outdated / request_rejected; 409 insufficient_stock when a timed-out request's stock is gone.")
    @Post(uri = "/{id}/confirm", produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.SUPPLIER, Role.PLATFORM, Role.ADMIN})
    public CompletableFuture<HttpResponse<Map<String, Object>>> confirm(HttpRequest<?> request, @PathVariable String id,
                                                     @Nullable @Header("Idempotency-Key") String key) {
        return answer(request, id, key, "confirm", new ConfirmAllocationRequest(id), null);
    }

    @Operation(summary = "Reject an allocation request", description = "Body (optional): {\"reason\": \"...\"}. The stock held there "
        + "is released and the lines go to the next location of the channel's routing. 409 request_confirmed when already confirmed.")
    @Post(uri = "/{id}/reject", produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.SUPPLIER, Role.PLATFORM, Role.ADMIN})
    public CompletableFuture<HttpResponse<Map<String, Object>>> reject(HttpRequest<?> request, @PathVariable String id, @Nullable @Body String body,
                                                    @Nullable @Header("Idempotency-Key") String key) {
        String reason = null;
        if (body != null && !body.isBlank()) {
            JsonNode json = JsonInput.parse(body);
            JsonInput in = new JsonInput();
            reason = in.optionalString(json, "reason", "reason");
            in.check();
        }
        return answer(request, id, key, "reject", new RejectAllocationRequest(id, reason), null);
    }

    @Operation(summary = "Complete an allocation request: the supplier reports it shipped", description = "Every line the "
        + "request still holds leaves the supplier's location (physical and allocated drop by its quantity) and counts as "
        + "shipped: Crux's quantity_shipped. A request not yet confirmed is confirmed by it. 409 allocation_completed when it "
        + "was shipped already, 409 not_actionable when it holds nothing (rejected, timed out or outdated) or still has "
        + "backordered units (a part ships whole: answer the backorder first); 404 as above.")
    @Post(uri = "/{id}/complete", produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.SUPPLIER, Role.PLATFORM, Role.ADMIN})
    public CompletableFuture<HttpResponse<Map<String, Object>>> complete(HttpRequest<?> request, @PathVariable String id,
                                                      @Nullable @Header("Idempotency-Key") String key) {
        return answer(request, id, key, "complete", new UpdateAllocation(id, null, Instant.now(), null),
            AllocationRequestController::unshippable);
    }

    /**
     * Why the request cannot be shipped as the projection shows it (the 409's body); null when it can. Completion ships a
     * part whole, so a part with backordered units (which the supplier does not have yet) is answered first.
     */
    private static Map<String, Object> unshippable(AllocationProjection a) {
        String request = "allocation request " + a.getAllocationId();
        if (!OrderFold.holds(a)) {
            return a.getLines().stream().anyMatch(ProjectedAllocationLine::getCompleted)
                ? ErrorBody.of(RefusalCode.ALLOCATION_COMPLETED.wire(), request + " was shipped (completed) already")
                : ErrorBody.of(RefusalCode.NOT_ACTIONABLE.wire(), request + " holds nothing to ship: it is " + a.getStatus());
        }
        boolean backordered = a.getLines().stream().anyMatch(l -> !l.getCompleted() && l.getBackorderedQuantity() > 0
            && !PartStatus.of(l.getStatus()).isReleased());
        return backordered ? ErrorBody.of(RefusalCode.NOT_ACTIONABLE.wire(), request + " has backordered units: answer them "
            + "(Crux's PUT, or confirm or reject) before shipping") : null;
    }

    /**
     * Sends a supplier's answer to request {@code id} ({@code payload}) on each SKU of it, unless {@code refusal} (when
     * given) refuses it as the SKUs hold it (a 409 with its body); answers with the request as decided.
     */
    private CompletableFuture<HttpResponse<Map<String, Object>>> answer(HttpRequest<?> request, String id, String key,
                                                                        String verb, Object payload,
                                                                        Function<AllocationProjection, Map<String, Object>> refusal) {
        Asked asked = new Asked(request, principal(request), id, verb, payload, refusal);
        return OffTheLoop.thenWait(waits.request(id), found -> found.filter(f -> visible(asked.who(), f.request()))
            .map(f -> answer(asked, f))
            .orElseGet(() -> CompletableFuture.completedFuture(notFound(id))));
    }

    /** A supplier's answer to request {@code id} as the caller sent it. */
    private record Asked(HttpRequest<?> request, Principal who, String id, String verb, Object payload,
                         Function<AllocationProjection, Map<String, Object>> refusal) {}

    /** The answer to a request found: once every line of its order is on its SKU's partition, decided there. */
    private CompletableFuture<HttpResponse<Map<String, Object>>> answer(Asked asked, FoundRequest found) {
        // the request's SKUs as their partitions hold it, once every line of the order has reached its SKU: the
        // projection may show a request with only some of its lines folded yet (RequestSkus)
        List<String> orderSkus = found.order().getLines().stream().map(LineProjection::getSku).distinct().toList();
        return OffTheLoop.thenWait(waits.lines(found.order().getOrderId(), orderSkus),   // read once, before the command
            lines -> decide(asked, found, orderSkus, lines));
    }

    /**
     * Refuses the answer as the SKUs hold the request (when the call's refusal does), else sends it on each SKU that
     * holds it; the request as decided.
     */
    private CompletableFuture<HttpResponse<Map<String, Object>>> decide(Asked asked, FoundRequest found, List<String> orderSkus,
                                                                        Map<String, List<LineReservation>> lines) {
        String id = asked.id();
        Object payload = asked.payload();
        String orderId = found.order().getOrderId();
        Set<String> skus = RequestSkus.holding(id, orderId, orderSkus, (sku, order) -> lines.get(sku));
        if (skus.isEmpty()) {   // released since: its SKUs answer that they know no such request
            found.request().getLines().forEach(l -> skus.add(l.getSku()));
        }
        if (asked.refusal() != null) {   // as the SKUs hold it: the projection may not have folded the supplier's last answer yet
            Map<String, List<LineReservation>> held = new LinkedHashMap<>();
            skus.forEach(sku -> held.put(sku, lines.getOrDefault(sku, List.of())));
            AllocationProjection now = DecidedOrders.allocation(DecidedOrders.of(found.order(), held), id)
                .orElse(found.request());
            Map<String, Object> refused = asked.refusal().apply(now);
            if (refused != null) {
                return CompletableFuture.completedFuture(HttpResponse.<Map<String, Object>>status(HttpStatus.CONFLICT).body(refused));
            }
        }
        Instant now = Instant.now();
        List<Map.Entry<String, Command>> commands = new ArrayList<>();
        for (String sku : skus) {
            commands.add(Map.entry(sku, new Command(Outcomes.commandId(IdempotencyKeys.commandBase(asked.request()),
                asked.verb() + ":" + id + ":" + sku), now, asked.who() == null ? null : asked.who().name(), orderId, payload, null)));
        }
        // the thread is free while the SKUs decide: the answer goes on when their outcomes are committed
        return OffTheLoop.then(gateway.send(commands), results -> answered(found, id, skus, payload, results));
    }

    /** The request as the SKUs decided it, or their refusal. */
    private HttpResponse<Map<String, Object>> answered(FoundRequest found, String id, Set<String> skus, Object payload,
                                                       List<CommandGateway.Result> results) {
        HttpResponse<Map<String, Object>> refused = Outcomes.unless(results);
        if (refused != null) {
            return refused;
        }
        // one hop: the committed outcomes, and the SKUs' committed lines laid over the projection, which folds them later
        OrderProjection decided = DecidedOrders.after(state, found.order(), skus, results);
        AllocationProjection answered = DecidedOrders.allocation(decided, id).orElse(found.request());
        if (payload instanceof RejectAllocationRequest reject && DecidedOrders.logged(results)) {
            answered = OrderOverlay.rejected(answered, reject.getReason());   // the reason the rejection logged
        }
        return HttpResponse.ok(ok(new FoundRequest(decided, answered)));
    }

    private Map<String, Object> ok(FoundRequest f) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("allocation_request", RequestViews.centra(state, f.order(), f.request()));
        return body;
    }

    static Principal principal(HttpRequest<?> request) {
        return request.getAttribute(ApiKeyFilter.PRINCIPAL, Principal.class).orElse(null);
    }

    /** The caller's principal name, recorded on the commands it sends so that only it (and admin) reads their outcomes. */
    static String callerName(HttpRequest<?> request) {
        Principal who = principal(request);
        return who == null ? null : who.name();
    }

    /** A supplier's key sees only its own locations' requests. */
    static boolean visible(Principal who, AllocationProjection a) {
        return who == null || who.role() != Role.SUPPLIER || who.locations().contains(a.getLocationId());
    }

    static Map<String, Object> centraError(String field, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "no");
        body.put("errorMessages", Map.of(field, message));
        return body;
    }

    static HttpResponse<Map<String, Object>> notFound(String id) {
        return HttpResponse.<Map<String, Object>>status(HttpStatus.NOT_FOUND)
            .body(ErrorBody.of("not_found", "no allocation request " + id));
    }

    private static Set<String> commaList(String text) {
        Set<String> items = new LinkedHashSet<>();
        Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(items::add);
        return items;
    }

    /** Whether the supplier can still answer a request's line. */
    static boolean open(ProjectedAllocationLine l) {
        return !l.getCompleted() && PartStatus.of(l.getStatus()).isAnswerable();
    }
}
