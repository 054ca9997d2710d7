package dev.allotment.services.support;

import dev.allotment.services.auth.Allowed;
import dev.allotment.services.auth.Role;
import io.micronaut.context.ApplicationContext;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * Every route of a running edge as Micronaut's router lists it, each as {@code "METHOD template"} (e.g.
 * {@code "GET /orders/{orderId}{?as_of}"}): tests that must cover every route take the list from here, so a route added
 * to the edge cannot be forgotten by them.
 */
public final class Routes {
    private Routes() {}

    public static SortedSet<String> listed(ApplicationContext context) {
        return new java.util.TreeSet<>(roles(context).keySet());
    }

    /**
     * Every route with the roles that may call it, as {@code RouteAccess} decides: its {@link Allowed} roles; {@code /health}
     * (not sensitive) none, as it needs no key; any other route without {@link Allowed} (a management endpoint) admin.
     */
    public static SortedMap<String, Set<Role>> roles(ApplicationContext context) {
        SortedMap<String, Set<Role>> routes = new TreeMap<>();
        for (UriRouteInfo<?, ?> r : context.getBean(Router.class).uriRoutes().toList()) {
            String template = r.getUriMatchTemplate().toString();
            Allowed allowed = r.getAnnotationMetadata().synthesize(Allowed.class);
            Set<Role> roles = allowed != null ? EnumSet.copyOf(Arrays.asList(allowed.value()))
                : template.startsWith("/health") ? EnumSet.noneOf(Role.class) : EnumSet.of(Role.ADMIN);
            routes.put(r.getHttpMethodName() + " " + template, roles);
        }
        return routes;
    }
}
