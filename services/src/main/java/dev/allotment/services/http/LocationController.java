package dev.allotment.services.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.events.ConfirmMode;
import dev.allotment.events.LocationEvent;
import dev.allotment.events.LocationKind;
import dev.allotment.events.LocationUpserted;
import dev.allotment.events.RoutingSet;
import dev.allotment.services.auth.Allowed;
import dev.allotment.services.auth.Role;
import dev.allotment.services.engine.EventPublisher;
import dev.allotment.services.engine.Waits;
import dev.allotment.services.errors.ErrorBody;
import dev.allotment.services.webhook.WebhookTargets;
import dev.allotment.streams.state.EngineState;
import dev.allotment.streams.state.LocationKeys;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Locations and channel routing: published to allotment.location-events, read back from the global store. Changing
 * them is the admin's: a location's webhook_url decides where the engine sends order data, and a channel's routing
 * where every platform's orders are allocated.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
public class LocationController {
    private final EventPublisher publisher;
    private final EngineState state;
    private final Waits waits;
    private final WebhookTargets webhooks;

    public LocationController(EventPublisher publisher, EngineState state, Waits waits, WebhookTargets webhooks) {
        this.publisher = publisher;
        this.state = state;
        this.waits = waits;
        this.webhooks = webhooks;
    }

    @Operation(summary = "Create or replace a location (admin)", description = "422 naming the field when "
        + "confirm_timeout_seconds is not above 0, or webhook_url is not an http(s) URL the engine may call (its host must "
        + "resolve to public addresses, unless allotment.webhooks.allowed-hosts lets it through).")
    @Put(uri = "/locations/{id}", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Allowed(Role.ADMIN)
    public HttpResponse<Map<String, Object>> put(@PathVariable String id, @Body String body,
                                                 @Nullable @Header("Idempotency-Key") String key) {
        JsonNode json = JsonInput.parse(body);
        JsonInput in = new JsonInput();
        LocationKind kind = enumOf(in, json, "kind", LocationKind.class, LocationKind.WAREHOUSE);
        ConfirmMode mode = enumOf(in, json, "confirm_mode", ConfirmMode.class, ConfirmMode.DIRECT);
        JsonNode timeout = json.get("confirm_timeout_seconds");
        Integer timeoutSeconds = timeout == null || timeout.isNull() ? null
            : in.wholeNumber(json, "confirm_timeout_seconds", "confirm_timeout_seconds", null);
        JsonNode tracks = json.get("tracks_stock");
        if (tracks != null && !tracks.isNull() && !tracks.isBoolean()) {
            in.error("tracks_stock", "must be true or false");
        }
        String name = in.optionalString(json, "name", "name");
        String webhook = in.optionalString(json, "webhook_url", "webhook_url");
        in.check();
        List<ErrorBody.FieldError> unacceptable = new ArrayList<>();
        if (timeoutSeconds != null && timeoutSeconds <= 0) {
            unacceptable.add(new ErrorBody.FieldError("confirm_timeout_seconds", "must be above 0 (or null: no expiry), was "
                + timeoutSeconds));
        }
        if (webhook != null && !webhook.isBlank()) {
            webhooks.refusal(webhook).ifPresent(why -> unacceptable.add(new ErrorBody.FieldError("webhook_url", why)));
        }
        if (!unacceptable.isEmpty()) {
            Map<String, Object> error = ErrorBody.invalid(unacceptable);
            error.put("error", "invalid_value");
            return HttpResponse.<Map<String, Object>>status(HttpStatus.UNPROCESSABLE_ENTITY).body(error);
        }
        // tracks_stock absent: true for a new location, unchanged for a known one (switching it changes how the
        // location's stock is counted and limited, so an update that does not name it does not switch it)
        boolean tracksStock = tracks == null || tracks.isNull()
            ? waits.location(id).map(LocationUpserted::getTracksStock).orElse(true) : tracks.asBoolean();
        LocationUpserted location = new LocationUpserted(id, name, kind, mode, timeoutSeconds, tracksStock, webhook);
        LocationEvent event = new LocationEvent(RandomIds.next(), Instant.now(), key, location);
        publisher.publish(LocationKeys.location(id), event);
        waits.until(() -> state.location(id).filter(location::equals).isPresent());
        return HttpResponse.ok(view(location));
    }

    @Operation(summary = "A location")
    @Get(uri = "/locations/{id}", produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.PLATFORM, Role.ANALYST, Role.ADMIN})
    public HttpResponse<Map<String, Object>> get(@PathVariable String id) {
        return waits.location(id).<HttpResponse<Map<String, Object>>>map(l -> HttpResponse.ok(view(l)))
            .orElseGet(() -> HttpResponse.<Map<String, Object>>status(HttpStatus.NOT_FOUND)
                .body(ErrorBody.of("not_found", "no location " + id)));
    }

    @Operation(summary = "Every location")
    @Get(uri = "/locations", produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.PLATFORM, Role.ANALYST, Role.ADMIN})
    public Map<String, Object> list() {
        return Map.of("data", state.locations().stream().map(LocationController::view).toList());
    }

    @Operation(summary = "Set a channel's routing, highest rank first (admin)")
    @Put(uri = "/channels/{channel}/routing", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Allowed(Role.ADMIN)
    public HttpResponse<Map<String, Object>> putRouting(@PathVariable String channel, @Body String body,
                                                        @Nullable @Header("Idempotency-Key") String key) {
        JsonNode json = JsonInput.parse(body);
        JsonInput in = new JsonInput();
        List<JsonNode> items = in.array(json, "locations", "locations");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String id = items.get(i).isTextual() ? items.get(i).asText() : null;
            if (id == null || id.isBlank()) {
                in.error("locations[" + i + "]", "must be a location id");
            } else if (waits.location(id).isEmpty()) {
                in.error("locations[" + i + "]", "no location " + id + " (PUT /locations/" + id + " first)");
            } else if (ids.contains(id)) {
                in.error("locations[" + i + "]", "listed twice: " + id);
            } else {
                ids.add(id);
            }
        }
        in.check();
        RoutingSet routing = new RoutingSet(channel, ids);
        publisher.publish(LocationKeys.channel(channel), new LocationEvent(RandomIds.next(), Instant.now(), key, routing));
        waits.until(() -> state.routing(channel).filter(routing::equals).isPresent());
        return HttpResponse.ok(routingView(routing));
    }

    @Operation(summary = "A channel's routing")
    @Get(uri = "/channels/{channel}/routing", produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.PLATFORM, Role.ANALYST, Role.ADMIN})
    public HttpResponse<Map<String, Object>> getRouting(@PathVariable String channel) {
        return HttpResponse.ok(routingView(state.routing(channel).orElse(new RoutingSet(channel, List.of()))));
    }

    static <E extends Enum<E>> E enumOf(JsonInput in, JsonNode json, String field, Class<E> type, E fallback) {
        String text = in.optionalString(json, field, field);
        if (text == null) {
            return fallback;
        }
        try {
            return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            in.error(field, "must be one of " + java.util.Arrays.toString(type.getEnumConstants()));
            return fallback;
        }
    }

    static Map<String, Object> view(LocationUpserted l) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", l.getLocationId());
        view.put("name", l.getName());
        view.put("kind", l.getKind().name());
        view.put("confirm_mode", l.getConfirmMode().name());
        view.put("confirm_timeout_seconds", l.getConfirmTimeoutSeconds());
        view.put("tracks_stock", l.getTracksStock());
        view.put("webhook_url", l.getWebhookUrl());
        return view;
    }

    static Map<String, Object> routingView(RoutingSet r) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("channel", r.getChannelId());
        view.put("locations", r.getLocations());
        return view;
    }
}
