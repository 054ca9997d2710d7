package dev.allotment.services.auth;

import dev.allotment.services.engine.EngineSettings;
import dev.allotment.services.errors.ErrorBody;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.annotation.Order;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.inject.ExecutableMethod;
import io.micronaut.management.endpoint.EndpointSensitivityHandler;
import io.micronaut.management.endpoint.EndpointSensitivityProcessor;
import io.micronaut.web.router.MethodBasedRouteMatch;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.RouteMatch;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates every call to a route: the key comes as {@code Authorization: Token …}, {@code Authorization: Bearer …}
 * or {@code x-api-key: …}. No key or an unknown one answers 401; a role the route does not allow answers 403. Which
 * roles a route allows is {@link RouteAccess}'s rule: management endpoints included, so it also stands in for
 * Micronaut's own endpoint filter (which would answer 401 to every key, the admin's included).
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
@Order(ApiKeyFilter.ORDER)
public class ApiKeyFilter implements EndpointSensitivityHandler {
    public static final String PRINCIPAL = "allotment.principal";
    /** {@code ServerFilterPhase.SECURITY.order()}: who calls is known before anything looks at what the call says. */
    static final int ORDER = 39_000;
    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyFilter.class);
    private final ApiKeys keys;
    private final byte[] clusterSecret;
    private final EndpointSensitivityProcessor endpoints;
    /** {@link RouteAccess} per route method: reading a route's annotations cost 6 % of a keyed read's CPU (JFR). */
    private final Map<ExecutableMethod<?, ?>, Optional<Set<Role>>> access = new ConcurrentHashMap<>();

    public ApiKeyFilter(EngineSettings settings, EndpointSensitivityProcessor endpoints) {
        this.keys = ApiKeys.load(settings.getApiKeys(), settings.getApiKeysFile());
        this.clusterSecret = settings.getCluster().getSecret().getBytes(StandardCharsets.UTF_8);
        this.endpoints = endpoints;
        if (keys.size() == 0) {
            LOG.warn("no API keys configured (ALLOTMENT_API_KEYS or allotment.api-keys-file): every protected route answers 401");
        }
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> authenticate(HttpRequest<?> request) {
        Optional<Set<Role>> allowed = RouteAttributes.getRouteMatch(request).flatMap(this::accessTo);
        if (allowed.isEmpty()) {
            return null;
        }
        Optional<String> key = keyOf(request);
        if (key.isEmpty()) {
            return unauthorized("missing API key: send 'Authorization: Bearer <key>', 'Authorization: Token <key>' or 'x-api-key: <key>'");
        }
        Optional<Principal> principal = peer(key.get()).or(() -> keys.authenticate(key.get()));
        if (principal.isEmpty()) {
            return unauthorized("unknown API key");
        }
        if (!allowed.get().contains(principal.get().role())) {
            return HttpResponse.status(HttpStatus.FORBIDDEN).body(ErrorBody.of("forbidden",
                "role " + principal.get().role().name().toLowerCase(Locale.ROOT) + " may not call "
                    + request.getMethod() + " " + request.getPath()));
        }
        request.setAttribute(PRINCIPAL, principal.get());
        return null;
    }

    /** The other instances of this engine: they show the cluster secret (none when it is not set). */
    private Optional<Principal> peer(String key) {
        if (clusterSecret.length == 0 || !MessageDigest.isEqual(clusterSecret, key.getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        return Optional.of(new Principal("peer", Role.PEER, Set.of()));
    }

    private static HttpResponse<?> unauthorized(String message) {
        return HttpResponse.status(HttpStatus.UNAUTHORIZED)
            .header("WWW-Authenticate", "Bearer realm=\"allotment\"")
            .body(ErrorBody.of("unauthorized", message));
    }

    private Optional<Set<Role>> accessTo(Object matched) {
        RouteMatch<?> route = (RouteMatch<?>) matched;
        if (route instanceof MethodBasedRouteMatch<?, ?> method) {
            return access.computeIfAbsent(method.getExecutableMethod(),
                m -> RouteAccess.of(route, endpoints.getEndpointMethods()).map(Collections::unmodifiableSet));
        }
        return RouteAccess.of(route, endpoints.getEndpointMethods());
    }

    static Optional<String> keyOf(HttpRequest<?> request) {
        String apiKey = request.getHeaders().get("x-api-key");
        if (apiKey != null && !apiKey.isBlank()) {
            return Optional.of(apiKey.trim());
        }
        String authorization = request.getHeaders().getAuthorization().orElse(null);
        if (authorization == null) {
            return Optional.empty();
        }
        String value = authorization.trim();
        int end = 0;
        while (end < value.length() && !Character.isWhitespace(value.charAt(end))) {
            end++;
        }
        String scheme = value.substring(0, end);
        String credentials = value.substring(end).trim();
        if (credentials.isEmpty() || !(scheme.equalsIgnoreCase("bearer") || scheme.equalsIgnoreCase("token"))) {
            return Optional.empty();
        }
        return Optional.of(credentials);
    }
}
