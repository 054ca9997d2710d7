package dev.allotment.services.http;

import dev.allotment.services.auth.Allowed;
import dev.allotment.services.auth.Role;
import dev.allotment.services.errors.ErrorBody;
import dev.allotment.streams.state.EngineState;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where a 202 points: a command's outcome once decided. */
@Controller("/commands")
@ExecuteOn(TaskExecutors.BLOCKING)
public class CommandController {
    private final EngineState state;

    public CommandController(EngineState state) {
        this.state = state;
    }

    @Operation(summary = "A command's outcome (where a 202 points)")
    @Get(uri = "/{commandId}", produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.PLATFORM, Role.SUPPLIER, Role.ANALYST, Role.ADMIN})
    public HttpResponse<Map<String, Object>> get(@PathVariable String commandId, @QueryValue String sku) {
        return state.outcome(sku, commandId).<HttpResponse<Map<String, Object>>>map(o -> {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("command_id", o.getCommandId());
            view.put("order_id", o.getOrderId());
            view.put("status", o.getAccepted() ? "accepted" : "refused");
            view.put("error", o.getCode());
            view.put("message", o.getReason());
            view.put("allocation_ids", o.getAllocationIds());
            view.put("decided_at", Views.time(o.getDecidedAt()));
            return HttpResponse.ok(view);
        }).orElseGet(() -> HttpResponse.<Map<String, Object>>status(HttpStatus.NOT_FOUND)
            .body(ErrorBody.of("not_found", "command " + commandId + " is not decided (yet)")));
    }
}
