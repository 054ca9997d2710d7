package dev.allotment.services.http;

import dev.allotment.events.CommandOutcome;
import dev.allotment.services.engine.CommandGateway;
import dev.allotment.services.errors.ErrorBody;
import dev.allotment.streams.allocation.RefusalCode;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** How the engine's command outcomes become HTTP answers, and how command ids are made from Idempotency-Key. */
public final class Outcomes {
    private Outcomes() {}

    /** A command id per decided part: the call's base ({@link IdempotencyKeys#commandBase}) and what the part is. */
    public static String commandId(String base, String part) {
        return base + ":" + part;
    }

    /** {@code s} as one segment of a path or a query value (a space as {@code %20}, a slash as {@code %2F}). */
    static String encode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The HTTP status of a refusal code from the wire (see {@link RefusalCode}). */
    public static HttpStatus statusOf(String code) {
        return HttpStatus.valueOf(RefusalCode.httpStatusOf(code));
    }

    /**
     * The answer once {@code results} complete: {@link #unless}'s when not every part was accepted, else what
     * {@code accepted} reads then (after the outcomes, so it shows them); a failure of either reaches the error handlers
     * as itself ({@link OffTheLoop#then}).
     */
    static CompletableFuture<HttpResponse<Map<String, Object>>> orElse(
            CompletableFuture<List<CommandGateway.Result>> results, Supplier<HttpResponse<Map<String, Object>>> accepted) {
        return OffTheLoop.then(results, decided -> {
            HttpResponse<Map<String, Object>> refused = unless(decided);
            return refused != null ? refused : accepted.get();
        });
    }

    /**
     * The answer when not every part was accepted: 202 with a Location when some are still undecided, else
     * the first refusal's status with every part listed (a command over several SKUs is all or nothing: none is accepted;
     * a batch of stock adjustments is decided per adjustment: those accepted stay applied).
     */
    public static HttpResponse<Map<String, Object>> unless(List<CommandGateway.Result> results) {
        List<CommandGateway.Result> pending = results.stream().filter(r -> !r.decided()).toList();
        if (!pending.isEmpty()) {
            CommandGateway.Result first = pending.get(0);
            return HttpResponse.<Map<String, Object>>status(HttpStatus.ACCEPTED)
                .header("Location", "/commands/" + encode(first.commandId()) + "?sku=" + encode(first.sku()))
                .body(ErrorBody.of("pending", "accepted; the engine has not decided yet: poll the Location"));
        }
        List<CommandOutcome> refused = results.stream().map(r -> r.outcome().get()).filter(o -> !o.getAccepted()).toList();
        if (refused.isEmpty()) {
            return null;
        }
        CommandOutcome first = refused.get(0);
        Map<String, Object> body = ErrorBody.of(first.getCode(), first.getReason());
        if (results.size() > 1) {
            body.put("results", results.stream().map(r -> {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("sku", r.sku());
                one.put("accepted", r.accepted());
                one.put("error", r.outcome().get().getCode());
                one.put("message", r.outcome().get().getReason());
                return one;
            }).toList());
        }
        return HttpResponse.<Map<String, Object>>status(statusOf(first.getCode())).body(body);
    }
}
