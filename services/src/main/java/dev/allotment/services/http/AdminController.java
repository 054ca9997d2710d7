package dev.allotment.services.http;

import dev.allotment.services.auth.Allowed;
import dev.allotment.services.auth.Role;
import dev.allotment.services.engine.OpenTransactions;
import dev.allotment.services.engine.StreamsRuntime;
import dev.allotment.services.engine.TransactionWatch;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an operator of the engine asks it: the transactions left open on its topics ({@link TransactionWatch}), and to
 * drain this instance before taking it away.
 */
@Controller("/admin")
public class AdminController {
    private final TransactionWatch watch;
    private final StreamsRuntime runtime;

    public AdminController(TransactionWatch watch, StreamsRuntime runtime) {
        this.watch = watch;
        this.runtime = runtime;
    }

    @Operation(summary = "Drain this instance before taking it away",
        description = "Stops its Kafka Streams and leaves the group, so its partitions move to the other instances at once "
            + "rather than after the session timeout; its /health/readiness turns DOWN. Stop the process after this answers "
            + "(docs/operations.md, \"Scaling out and in\"). The body names the instance, {\"instance\":\"host:port\"} as "
            + "its /admin/instance says, so that a call through a load balancer cannot drain another: 400 otherwise.")
    @Post(uri = "/drain", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Allowed(Role.ADMIN)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public Map<String, Object> drain(@Body String body) {
        JsonInput in = new JsonInput();
        String named = in.requiredString(JsonInput.parse(body), "instance", "instance");
        in.check();
        if (!named.equals(runtime.instance())) {
            throw InvalidRequestException.of("instance", "names " + named + ", but this is " + runtime.instance());
        }
        runtime.drain();
        return instance();
    }

    @Operation(summary = "This instance",
        description = "Its address in the group (host:port, what /admin/drain names) and the state of its Kafka Streams.")
    @Get(uri = "/instance", produces = MediaType.APPLICATION_JSON)
    @Allowed(Role.ADMIN)
    public Map<String, Object> instance() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("instance", runtime.instance());
        view.put("state", runtime.stateName());
        view.put("draining", runtime.draining());
        return view;
    }

    @Operation(summary = "Transactions left open on the engine's topics",
        description = "Those open longer than allotment.health.open-transaction-after at the last look, oldest first; a "
            + "hanging one (no coordinator will end it) with the command that aborts it (docs/operations.md).")
    @Get(uri = "/transactions", produces = MediaType.APPLICATION_JSON)
    @Allowed(Role.ADMIN)
    public Map<String, Object> transactions() {
        TransactionWatch.Report report = watch.report();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("checked_at", report.checkedAt() == null ? null : report.checkedAt().toString());
        view.put("error", report.error().orElse(null));
        List<Map<String, Object>> open = report.findings().stream().map(this::view).toList();
        view.put("transactions", open);
        return view;
    }

    private Map<String, Object> view(OpenTransactions.Finding f) {
        OpenTransactions.Open o = f.open();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("topic", o.topic());
        view.put("partition", o.partition());
        view.put("start_offset", o.startOffset());
        view.put("producer_id", o.producerId());
        view.put("producer_epoch", o.producerEpoch());
        view.put("open_for_seconds", f.openForMs() / 1000);
        view.put("transactional_id", f.coordinator().map(OpenTransactions.Coordinated::transactionalId).orElse(null));
        view.put("coordinator_state", f.coordinator().map(OpenTransactions.Coordinated::state).orElse(null));
        view.put("hanging", f.hanging());
        view.put("markers_lost", f.markersLost());
        view.put("abort_command", f.hanging() ? OpenTransactions.abortCommand(watch.bootstrapServers(), o) : null);
        return view;
    }
}
