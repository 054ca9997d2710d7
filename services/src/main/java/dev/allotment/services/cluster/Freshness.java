package dev.allotment.services.cluster;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.context.ServerRequestContext;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Marks an answer that is not the whole, current truth, so that a client can tell:
 * <ul>
 *   <li>read from a standby copy: it may lag the active copy by up to {@code allotment.cluster.max-standby-lag}
 *   records ({@value #HEADER}{@code : true});</li>
 *   <li>a list that lacks partitions no copy answered for, which a client asked for with
 *   {@code ?}{@value #ALLOW_PARTIAL}{@code =true} rather than a 503 ({@value #PARTIAL_HEADER}{@code : <topic>
 *   <partitions>}, say {@code allotment.order-events 2,3}).</li>
 * </ul>
 * The read marks the request it serves; this filter turns the marks into response headers, which clients and the
 * internal routes read.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class Freshness {
    public static final String HEADER = "Allotment-Stale";
    public static final String PARTIAL_HEADER = "Allotment-Partial";
    /** The query parameter with which a client of a list takes a partial answer over a 503. */
    public static final String ALLOW_PARTIAL = "allow_partial";
    private static final String ATTRIBUTE = "allotment.stale";
    private static final String PARTIAL_ATTRIBUTE = "allotment.partial";

    /** Marks the request being served (if any) as answered from a standby copy. */
    public static void markStale() {
        ServerRequestContext.currentRequest().ifPresent(r -> r.setAttribute(ATTRIBUTE, Boolean.TRUE));
    }

    /** Whether the request being served takes a list without some partitions rather than a 503. */
    public static boolean partialAllowed() {
        return ServerRequestContext.currentRequest()
            .flatMap(r -> r.getParameters().getFirst(ALLOW_PARTIAL)).map("true"::equalsIgnoreCase).orElse(false);
    }

    /** Marks the request being served as answered without {@code partitions} of {@code topic}. */
    public static void markPartial(String topic, Set<Integer> partitions) {
        String lacking = topic + " " + partitions.stream().map(String::valueOf).collect(Collectors.joining(","));
        ServerRequestContext.currentRequest().ifPresent(r -> r.setAttribute(PARTIAL_ATTRIBUTE, lacking));
    }

    @ResponseFilter
    public void header(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (request.getAttribute(ATTRIBUTE, Boolean.class).orElse(false)) {
            response.header(HEADER, "true");
        }
        request.getAttribute(PARTIAL_ATTRIBUTE, String.class).ifPresent(lacking -> response.header(PARTIAL_HEADER, lacking));
    }
}
