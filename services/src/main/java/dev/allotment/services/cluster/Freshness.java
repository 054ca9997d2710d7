package dev.allotment.services.cluster;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.context.ServerRequestContext;

/**
 * Marks an answer read from a standby copy: it may lag the active copy by up to {@code allotment.cluster.max-standby-lag}
 * records. The read marks the request it serves; this filter turns the mark into the response header
 * {@value #HEADER}{@code : true}, which clients and the internal routes read.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class Freshness {
    public static final String HEADER = "Allotment-Stale";
    private static final String ATTRIBUTE = "allotment.stale";

    /** Marks the request being served (if any) as answered from a standby copy. */
    public static void markStale() {
        ServerRequestContext.currentRequest().ifPresent(r -> r.setAttribute(ATTRIBUTE, Boolean.TRUE));
    }

    @ResponseFilter
    public void header(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (request.getAttribute(ATTRIBUTE, Boolean.class).orElse(false)) {
            response.header(HEADER, "true");
        }
    }
}
