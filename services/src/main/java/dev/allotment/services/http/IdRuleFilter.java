package dev.allotment.services.http;

import dev.allotment.services.errors.ErrorBody;
import dev.allotment.streams.order.Limits;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.annotation.Order;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.uri.UriMatchVariable;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.UriRouteMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The id rule ({@link Limits}) for every route's path variables and the {@code Idempotency-Key} header, in one place,
 * before any controller runs: a bad one is a 400 naming it, and nothing is published. A {@code PUT} names what it creates
 * or replaces, so its ids are held to the full rule; other methods name what exists, perhaps with an id the engine made
 * (allocation and command ids are longer), so theirs to the rule's characters only; a {@code sku} a {@code PUT} names
 * has no shard mark either ({@link Limits#skuProblem}). Ordered just after the security
 * phase: it runs after authentication once {@code ApiKeyFilter} is ordered in that phase (unordered, it runs last).
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
@Order(IdRuleFilter.ORDER)
public class IdRuleFilter {
    /** {@code ServerFilterPhase.SECURITY.after()}, spelled as a constant the annotation can take. */
    static final int ORDER = 39_250;

    @RequestFilter
    @Nullable
    public HttpResponse<?> check(HttpRequest<?> request) {
        Optional<UriRouteMatch<?, ?>> route = RouteAttributes.getRouteMatch(request)
            .filter(UriRouteMatch.class::isInstance).map(r -> (UriRouteMatch<?, ?>) r);
        if (route.isEmpty()) {
            return null;
        }
        List<ErrorBody.FieldError> problems = new ArrayList<>();
        Map<String, Object> values = route.get().getVariableValues();
        for (UriMatchVariable variable : route.get().getVariables()) {
            Object value = values.get(variable.getName());
            if (variable.isQuery() || (variable.isOptional() && (value == null || value.toString().isEmpty()))) {
                continue;
            }
            String id = value == null ? null : value.toString();
            (request.getMethod() != HttpMethod.PUT ? Limits.referenceProblem(id)
                : variable.getName().equals("sku") ? Limits.skuProblem(id) : Limits.idProblem(id))
                .ifPresent(p -> problems.add(new ErrorBody.FieldError(variable.getName(), p)));
        }
        String key = request.getHeaders().get("Idempotency-Key");
        if (key != null && !key.isBlank()) {   // a blank key is no key, as the controllers read it
            Limits.idProblem(key).ifPresent(p -> problems.add(new ErrorBody.FieldError("Idempotency-Key", p)));
        }
        return problems.isEmpty() ? null
            : HttpResponse.status(HttpStatus.BAD_REQUEST).body(ErrorBody.invalid(problems));
    }
}
