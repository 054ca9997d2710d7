package dev.allotment.services.http;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.AllocationRequested;
import dev.allotment.services.auth.Allowed;
import dev.allotment.services.auth.Role;
import dev.allotment.services.errors.ErrorBody;
import dev.allotment.services.webhook.WebhookDispatcher;
import dev.allotment.streams.allocation.PartStatus;
import dev.allotment.streams.state.EngineState;
import dev.allotment.streams.state.FoundRequest;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An operator's re-send of a supplier's webhook whose delivery failed (docs/webhooks.md). */
@Controller("/admin/allocation-requests")
@Requires(beans = WebhookDispatcher.class)
@ExecuteOn(TaskExecutors.BLOCKING)
public class WebhookAdminController {
    private final EngineState state;
    private final WebhookDispatcher webhooks;

    public WebhookAdminController(EngineState state, WebhookDispatcher webhooks) {
        this.state = state;
        this.webhooks = webhooks;
    }

    @Operation(summary = "Send a failed allocation request's webhook again",
        description = "For a request whose status is failed (every attempt of its delivery failed): its webhook is sent "
            + "again as it was first sent (same body and Idempotency-Key), retried the same way; a delivery makes it sent. "
            + "202 at once; the request's status shows the outcome. 404 for an unknown request, 409 not_failed for a "
            + "request in any other status.")
    @Post(uri = "/{requestId}/resend", produces = MediaType.APPLICATION_JSON)
    @Allowed(Role.ADMIN)
    public HttpResponse<Map<String, Object>> resend(@PathVariable String requestId) {
        FoundRequest found = state.request(requestId).orElse(null);
        if (found == null) {
            return HttpResponse.<Map<String, Object>>status(HttpStatus.NOT_FOUND).body(ErrorBody.of("not_found",
                "no allocation request " + requestId));
        }
        if (!PartStatus.FAILED.wire().equals(found.request().getStatus())) {
            return HttpResponse.<Map<String, Object>>status(HttpStatus.CONFLICT).body(ErrorBody.of("not_failed",
                "allocation request " + requestId + " is " + found.request().getStatus() + "; only a failed one is sent again"));
        }
        List<AllocationEvent> made = state.history(found.order().getOrderId()).stream()
            .filter(e -> e.getPayload() instanceof AllocationRequested r && r.getAllocationId().equals(requestId)).toList();
        if (made.isEmpty()) {
            return HttpResponse.<Map<String, Object>>status(HttpStatus.CONFLICT).body(ErrorBody.of("history_gone",
                "the order's history no longer holds the request " + requestId + " (allotment.retention.order-history, or the"
                    + " decision log's retention.ms)"));
        }
        webhooks.resend(made);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", requestId);
        body.put("status", found.request().getStatus());
        body.put("webhooks", made.size());
        return HttpResponse.<Map<String, Object>>status(HttpStatus.ACCEPTED).body(body);
    }
}
