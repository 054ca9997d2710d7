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
import io.micronaut.management.endpoint.EndpointSensitivityHandler;
import io.micronaut.management.endpoint.EndpointSensitivityProcessor;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.RouteMatch;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
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
        Optional<Set<Role>> allowed = RouteAttributes.getRouteMatch(request)
            .flatMap(route -> RouteAccess.of((RouteMatch<?>) route, endpoints.getEndpointMethods()));
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

    static Optional<String> keyOf(HttpRequest<?> request) {
        String apiKey = request.getHeaders().get("x-api-key");
        if (apiKey != null && !apiKey.isBlank()) {
            return Optional.of(apiKey.trim());
        }
        String authorization = request.getHeaders().getAuthorization().orElse(null);
        if (authorization == null) {
            return Optional.empty();
        }
        String[] parts = authorization.trim().split("\\s+", 2);
        if (parts.length == 2) {
            String scheme = parts[0].toLowerCase(Locale.ROOT);
            if (scheme.equals("bearer") || scheme.equals("token")) {
                return Optional.of(parts[1].trim());
            }
        }
        return Optional.empty();
    }
}
