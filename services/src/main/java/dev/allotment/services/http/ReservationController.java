package dev.allotment.services.http;

import dev.allotment.events.OrderProjection;
import dev.allotment.events.OrderStatus;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Envoy's {@code GET /reservations}: every order's reservation, in order-id order, with cursors. A cancelled order's
 * reservation is gone, as Envoy deletes it with the order.
 */
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
        List<OrderProjection> page = at == null || at.forward() ? after(at == null ? null : at.key(), size)
            : before(at.key(), size);
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

    /**
     * Up to {@code size + 1} reservations after {@code key} (null: from the first), in order-id order. A cancelled order
     * has none: Envoy deletes an order's reservation with the order, so it is skipped, and more are read in its place.
     */
    private List<OrderProjection> after(String key, int size) {
        List<OrderProjection> kept = new ArrayList<>();
        String last = key;
        while (kept.size() <= size) {
            List<OrderProjection> batch = state.orders(last, null, size);
            batch.stream().filter(ReservationController::reserved).forEach(kept::add);
            if (batch.size() <= size) {
                break;
            }
            last = batch.get(batch.size() - 1).getOrderId();
        }
        return kept.size() > size + 1 ? kept.subList(0, size + 1) : kept;
    }

    /** The last {@code size + 1} reservations before {@code key}, in order-id order (see {@link #after}). */
    private List<OrderProjection> before(String key, int size) {
        List<OrderProjection> kept = new ArrayList<>();
        String first = key;
        while (kept.size() <= size) {
            List<OrderProjection> batch = state.orders(null, first, size);
            List<OrderProjection> reserved = batch.stream().filter(ReservationController::reserved).toList();
            kept.addAll(0, reserved);
            if (batch.size() <= size) {
                break;
            }
            first = batch.get(0).getOrderId();
        }
        return kept.size() > size + 1 ? kept.subList(kept.size() - size - 1, kept.size()) : kept;
    }

    /** Whether the order holds a reservation (Envoy's): every order but a cancelled one. */
    static boolean reserved(OrderProjection order) {
        return order.getStatus() != OrderStatus.CANCELLED;
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
