package dev.allotment.services.http;

import dev.allotment.events.OrderProjection;
import dev.allotment.services.auth.Allowed;
import dev.allotment.services.auth.Role;
import dev.allotment.streams.state.EngineState;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Envoy's {@code GET /reservations}: every order's reservation, in order-id order, with cursors. */
@Controller("/reservations")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ReservationController {
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;
    private final EngineState state;

    public ReservationController(EngineState state) {
        this.state = state;
    }

    @Operation(summary = "Order reservations (Envoy)", description = "data, next_cursor, previous_cursor, limit")
    @Get(produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.PLATFORM, Role.ANALYST, Role.ADMIN})
    public Map<String, Object> list(@Nullable @QueryValue String cursor, @Nullable @QueryValue String limit) {
        int size = limit(limit);
        PageCursor at = cursor == null || cursor.isBlank() ? null : PageCursor.decode(cursor);
        List<OrderProjection> page = at == null ? state.orders(null, null, size)
            : at.forward() ? state.orders(at.key(), null, size) : state.orders(null, at.key(), size);
        boolean more = page.size() > size;
        List<OrderProjection> shown;
        boolean hasNext;
        boolean hasPrevious;
        if (at != null && !at.forward()) {
            shown = more ? page.subList(1, page.size()) : page;
            hasPrevious = more;
            hasNext = true;
        } else {
            shown = more ? page.subList(0, size) : page;
            hasNext = more;
            hasPrevious = at != null;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", shown.stream().map(Views::reservation).toList());
        body.put("next_cursor", hasNext && !shown.isEmpty()
            ? new PageCursor(true, shown.get(shown.size() - 1).getOrderId()).encode() : null);
        body.put("previous_cursor", hasPrevious && !shown.isEmpty()
            ? new PageCursor(false, shown.get(0).getOrderId()).encode() : null);
        body.put("limit", size);
        return body;
    }

    static int limit(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= 1 && value <= MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw InvalidRequestException.of("limit", "must be a whole number from 1 to " + MAX_LIMIT);
    }
}
