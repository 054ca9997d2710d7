package dev.allotment.services.http;

import dev.allotment.events.CommandOutcome;
import dev.allotment.services.auth.Allowed;
import dev.allotment.services.auth.Principal;
import dev.allotment.services.auth.Role;
import dev.allotment.services.engine.CommitWatch;
import dev.allotment.services.engine.EngineSettings;
import dev.allotment.services.errors.ErrorBody;
import dev.allotment.streams.allocation.ShardPlan;
import dev.allotment.streams.state.EngineState;
import io.micronaut.http.HttpRequest;
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
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Where a 202 points: a command's outcome once decided, to the caller that sent it (and to admin). Anyone else is told
 * it does not exist, as for an id never sent, so command ids say nothing about other callers.
 */
@Controller("/commands")
@ExecuteOn(TaskExecutors.BLOCKING)
public class CommandController {
    private final EngineState state;
    private final CommitWatch commits;
    private final ShardPlan shards;

    public CommandController(EngineState state, CommitWatch commits, EngineSettings settings) {
        this.state = state;
        this.commits = commits;
        this.shards = settings.shardPlan();
    }

    /** The outcome, where it is kept: on the SKU's partition, or on one of its shards' for a SKU split into shards. */
    private Optional<CommandOutcome> outcome(String sku, String commandId) {
        return IntStream.range(0, shards.shards(sku)).mapToObj(k -> state.outcome(ShardPlan.key(sku, k), commandId))
            .flatMap(Optional::stream).findFirst();
    }

    @Operation(summary = "A command's outcome (where a 202 points)", description = "Answers the key that sent the command, "
        + "and admin; 404 to any other key, as for an id not decided (yet).")
    @Get(uri = "/{commandId}", produces = MediaType.APPLICATION_JSON)
    @Allowed({Role.PLATFORM, Role.SUPPLIER, Role.ANALYST, Role.ADMIN})
    public HttpResponse<Map<String, Object>> get(HttpRequest<?> request, @PathVariable String commandId, @QueryValue String sku) {
        Principal caller = AllocationRequestController.principal(request);
        // decided means committed: an outcome a crash could still roll back is not told (CommitWatch)
        return outcome(sku, commandId).filter(o -> readableBy(caller, o)).filter(commits::committed).<HttpResponse<Map<String, Object>>>map(o -> {
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

    /** Admin reads every outcome; anyone else only those of commands it sent (an outcome without a sender: admin only). */
    static boolean readableBy(Principal caller, CommandOutcome outcome) {
        return caller != null && (caller.is(Role.ADMIN) || caller.name().equals(outcome.getPrincipal()));
    }
}
