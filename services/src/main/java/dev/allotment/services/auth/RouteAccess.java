package dev.allotment.services.auth;

import io.micronaut.inject.ExecutableMethod;
import io.micronaut.web.router.MethodBasedRouteMatch;
import io.micronaut.web.router.RouteMatch;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may call a route: the roles of its {@link Allowed}; for a management endpoint, anyone when it is not sensitive
 * ({@code endpoints.<id>.sensitive: false}, only /health) else admin; any other route, admin. A route nobody thought
 * about is closed, not open.
 */
final class RouteAccess {
    private static final Set<Role> ADMIN = EnumSet.of(Role.ADMIN);

    private RouteAccess() {}

    /** The roles that may call {@code route}; empty when it needs no key. */
    static Optional<Set<Role>> of(RouteMatch<?> route, Map<ExecutableMethod, Boolean> endpointSensitivity) {
        Allowed allowed = route.getAnnotationMetadata().synthesize(Allowed.class);
        if (allowed != null) {
            Set<Role> roles = EnumSet.noneOf(Role.class);
            roles.addAll(Arrays.asList(allowed.value()));
            return Optional.of(roles);
        }
        if (route instanceof MethodBasedRouteMatch<?, ?> method) {
            Boolean sensitive = endpointSensitivity.get(method.getExecutableMethod());
            if (Boolean.FALSE.equals(sensitive)) {
                return Optional.empty();
            }
        }
        return Optional.of(ADMIN);
    }
}
