package dev.allotment.services.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.allotment.events.Command;
import dev.allotment.events.CommandOutcome;
import dev.allotment.events.RecordAnswer;
import dev.allotment.services.auth.ApiKeyFilter;
import dev.allotment.services.auth.Principal;
import dev.allotment.services.engine.CommitWatch;
import dev.allotment.services.engine.EventPublisher;
import dev.allotment.services.errors.ErrorBody;
import dev.allotment.streams.state.EngineState;
import dev.allotment.streams.state.EngineUnavailableException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.annotation.Order;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What an {@code Idempotency-Key} means (DESIGN §4, invariant 8; Stripe's behaviour). It belongs to the caller that sent
 * it: commands are named {@code <caller>~<key>:<part>}, so another caller's same key never meets them. It belongs to one
 * call: repeated with the same method, path and body it is answered with the first answer, status and body, and nothing
 * is applied again; with another method, path or body it is refused, {@code 422 idempotency_key_reused}. The first
 * answer (a 2xx, or a 409/422 the engine decided) is recorded beside the command outcomes, on the partition of the key's
 * scope, for as long as they are kept (24 hours by default), and in this instance's memory; a call still in flight here
 * with another body answers {@code 409 idempotency_key_in_use}.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
@Order(IdempotencyKeys.ORDER)
public class IdempotencyKeys {
    /** After authentication (the key belongs to a caller) and the id rule (the key is a valid id). */
    static final int ORDER = 39_500;
    static final String HEADER = "Idempotency-Key";
    /** Set on a replayed answer, as Stripe does. */
    static final String REPLAYED = "Idempotent-Replayed";
    private static final String CALL = "allotment.idempotency.call";
    private static final Set<HttpMethod> WRITES = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Answers recorded by this instance, newest kept: a repeat here does not wait for the engine to have stored it. */
    private static final int RECENT = 10_000;
    private final Map<String, Recorded> recent = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Recorded> eldest) {
            return size() > RECENT;
        }
    });
    private final Map<String, String> inFlight = new ConcurrentHashMap<>();
    private final EngineState state;
    private final EventPublisher publisher;
    private final CommitWatch commits;
    private final JsonMapper mapper;

    public IdempotencyKeys(EngineState state, EventPublisher publisher, CommitWatch commits, JsonMapper mapper) {
        this.state = state;
        this.publisher = publisher;
        this.commits = commits;
        this.mapper = mapper;
    }

    /** One keyed call: its scope (the caller's key) and its fingerprint (method, path, canonical body). */
    record Call(String scope, String fingerprint, String caller) {}

    /** A first answer. */
    record Recorded(String fingerprint, int status, String body) {}

    /** What a controller names its commands from: the caller's key, or a fresh id for a call without one. */
    static String commandBase(HttpRequest<?> request) {
        return request.getAttribute(CALL, Call.class).map(Call::scope).orElseGet(() -> RandomIds.next());
    }

    /** A caller's key as command ids carry it. */
    public static String scope(String caller, String key) {
        return caller == null ? key : caller + "~" + key;
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> before(HttpRequest<?> request, @Nullable @Body String body) {
        String key = request.getHeaders().get(HEADER);
        if (!WRITES.contains(request.getMethod()) || key == null || key.isBlank()) {
            return null;
        }
        String caller = request.getAttribute(ApiKeyFilter.PRINCIPAL, Principal.class).map(Principal::name).orElse(null);
        Call call = new Call(scope(caller, key.trim()), fingerprint(request, body), caller);
        Optional<Recorded> first = recorded(call.scope());
        if (first.isPresent()) {
            return first.get().fingerprint().equals(call.fingerprint()) ? replay(first.get()) : reused(key);
        }
        String running = inFlight.putIfAbsent(call.scope(), call.fingerprint());
        if (running != null && !running.equals(call.fingerprint())) {
            return HttpResponse.status(HttpStatus.CONFLICT).body(ErrorBody.of("idempotency_key_in_use",
                "a call with this Idempotency-Key and another body is still being answered"));
        }
        request.setAttribute(CALL, call);
        return null;
    }

    @ResponseFilter
    public void after(HttpRequest<?> request, MutableHttpResponse<?> response) {
        Call call = request.getAttribute(CALL, Call.class).orElse(null);
        if (call == null) {
            return;
        }
        inFlight.remove(call.scope(), call.fingerprint());
        if (REVALIDATED.contains(response.code())) {
            replayDecided(call, response);
        }
        int status = response.code();
        if (!(status >= 200 && status < 300 && status != 202) && status != 409 && status != 422) {
            return;   // not decided (202), a call the edge could not take (4xx), or a failure: a repeat runs it again
        }
        Object given = response.getBody().orElse(null);
        Recorded answer = new Recorded(call.fingerprint(), status, given == null ? null : json(given));
        if (answer.body() != null && !(given instanceof CharSequence)) {
            // the client gets the JSON just recorded, as a repeat will: the body is encoded once, not again by the server
            // (the server's second encoding was 7.6 % of the blocking executor's samples in keyed allocations at 256
            // connections; RESULTS.md, "The 256-connection edge profiled")
            @SuppressWarnings("unchecked")
            MutableHttpResponse<Object> written = (MutableHttpResponse<Object>) response;
            written.contentType(MediaType.APPLICATION_JSON_TYPE).body(answer.body());
        }
        recent.put(call.scope(), answer);
        publisher.publishCommandLater(call.scope(), new Command(call.scope() + ":answer", Instant.now(), call.caller(), "",
            new RecordAnswer(answer.fingerprint(), answer.status(), answer.body()), null));
    }

    /** The answers the edge gives when it refuses a call itself (its checks of the call against the engine's state). */
    private static final Set<Integer> REVALIDATED = Set.of(400, 404, 422);

    /**
     * A retry whose first call's commands were decided, and committed, though its answer was never recorded (the engine
     * stopped between deciding and answering): the edge checked the retry again against state its first call changed
     * (a Crux answer for a line already answered: 422 quantity_mismatch; an Envoy change of an allocation the first call
     * removed: 400), and would tell the client the call did nothing. Found by the fault suite. The answer is the first
     * call's instead, from its outcomes: the first refusal's status and reason, or 200 with what each part did.
     */
    private void replayDecided(Call call, MutableHttpResponse<?> response) {
        @SuppressWarnings("unchecked")
        MutableHttpResponse<Object> answer = (MutableHttpResponse<Object>) response;
        List<CommandOutcome> all;
        try {
            all = state.outcomesUnder(call.scope() + ":").stream()
                .filter(o -> !o.getCommandId().endsWith(":answer") && !o.getCommandId().endsWith(":group")).toList();
        } catch (EngineUnavailableException e) {
            // a store still restoring (the engine just started again): whether a first call was decided is unknown yet,
            // and telling the client its call did nothing could be false (found by the fault suite: a Crux answer's
            // retry answered 404 right after a restart, its first attempt applied)
            ErrorHandlers.unavailable(answer, "the engine is starting; whether this key's first call was decided is not known yet");
            return;
        }
        if (all.stream().anyMatch(o -> !commits.committed(o))) {
            ErrorHandlers.unavailable(answer, "this key's first call is being decided; try again");
            return;
        }
        List<CommandOutcome> decided = all;
        Object given = response.getBody().orElse(null);
        Object code = given instanceof Map<?, ?> body ? body.get("error") : null;
        if (decided.isEmpty() || decided.stream().anyMatch(o -> java.util.Objects.equals(o.getCode(), code))) {
            return;   // no first call decided, or this is the engine's own refusal of it
        }
        Replayed replay = replayOf(decided);
        answer.status(replay.status()).header(REPLAYED, "true").contentType(MediaType.APPLICATION_JSON_TYPE).body(replay.body());
    }

    /** A first call's answer, rebuilt from its commands' outcomes. */
    record Replayed(HttpStatus status, Map<String, Object> body) {}

    static Replayed replayOf(List<CommandOutcome> decided) {
        List<Map<String, Object>> results = new java.util.ArrayList<>();
        for (CommandOutcome o : decided) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("command_id", o.getCommandId());
            one.put("accepted", o.getAccepted());
            one.put("error", o.getCode());
            one.put("message", o.getReason());
            one.put("allocation_ids", o.getAllocationIds());
            results.add(one);
        }
        Optional<CommandOutcome> refused = decided.stream().filter(o -> !o.getAccepted()).findFirst();
        Map<String, Object> body = refused.map(r -> ErrorBody.of(r.getCode(), r.getReason()))
            .orElseGet(() -> new LinkedHashMap<>(Map.of("status", "ok")));
        body.put("replayed", true);
        body.put("results", results);
        return new Replayed(refused.map(r -> Outcomes.statusOf(r.getCode())).orElse(HttpStatus.OK), body);
    }

    private Optional<Recorded> recorded(String scope) {
        Recorded here = recent.get(scope);
        if (here != null) {
            return Optional.of(here);
        }
        return state.outcome(scope, scope + ":answer").filter(o -> o.getFingerprint() != null && o.getAnswerStatus() != null)
            .map(o -> new Recorded(o.getFingerprint(), o.getAnswerStatus(), o.getAnswerBody()));
    }

    private static HttpResponse<?> replay(Recorded first) {
        MutableHttpResponse<Object> response = HttpResponse.status(HttpStatus.valueOf(first.status())).header(REPLAYED, "true");
        return first.body() == null ? response : response.contentType(MediaType.APPLICATION_JSON_TYPE).body(first.body());
    }

    private static HttpResponse<?> reused(String key) {
        return HttpResponse.status(HttpStatus.UNPROCESSABLE_ENTITY).body(ErrorBody.of("idempotency_key_reused",
            "Idempotency-Key " + key + " was used for another call (another method, path or body); use a new key"));
    }

    private String json(Object body) {
        if (body instanceof CharSequence text) {
            return text.toString();
        }
        try {
            return mapper.writeValueAsString(body);
        } catch (IOException e) {
            return null;
        }
    }

    /** The call's method, path (with its query) and body, the body's JSON made canonical (keys sorted, spacing dropped). */
    static String fingerprint(HttpRequest<?> request, String body) {
        String path = request.getUri().getRawPath() + (request.getUri().getRawQuery() == null ? "" : "?" + request.getUri().getRawQuery());
        return sha256(request.getMethodName() + "\n" + path + "\n" + canonical(body));
    }

    static String canonical(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            return JSON.writeValueAsString(sorted(JSON.readTree(body)));
        } catch (IOException e) {
            return body;
        }
    }

    private static Object sorted(JsonNode node) {
        if (node instanceof ObjectNode object) {
            Map<String, Object> fields = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                fields.put(field.getKey(), sorted(field.getValue()));
            }
            return fields;
        }
        if (node.isArray()) {
            java.util.List<Object> items = new java.util.ArrayList<>();
            node.forEach(item -> items.add(sorted(item)));
            return items;
        }
        return node;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
