package dev.allotment.services.http;

import dev.allotment.services.auth.Allowed;
import dev.allotment.services.auth.Role;
import dev.allotment.services.engine.OpenTransactions;
import dev.allotment.services.engine.TransactionWatch;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Operation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What an operator of the engine asks it: the transactions left open on its topics ({@link TransactionWatch}). */
@Controller("/admin")
public class AdminController {
    private final TransactionWatch watch;

    public AdminController(TransactionWatch watch) {
        this.watch = watch;
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
        view.put("abort_command", f.hanging() ? OpenTransactions.abortCommand(watch.bootstrapServers(), o) : null);
        return view;
    }
}
