package dev.allotment.services.cluster;

import org.apache.kafka.streams.state.HostInfo;

/**
 * The endpoints in Kafka Streams' metadata, mapped to the instances that answer for them. An instance whose SKU tasks
 * run on a Kafka Streams client of their own has two clients in the group, and each must name an endpoint of its own
 * (the group keeps one set of partitions per endpoint): the SKU client names its instance's host with
 * {@value #SKU_PREFIX} before it, and the same port. Either way, the instance's HTTP edge answers.
 */
public final class Endpoints {
    /** Not a character of a host name (Kafka Streams parses it, as in an IPv6 zone): no real host is mistaken for it. */
    static final String SKU_PREFIX = "skus%";

    private Endpoints() {}

    /** The endpoint ({@code application.server}) of the SKU client of the instance at {@code instance} (host:port). */
    public static String skuClient(String instance) {
        return SKU_PREFIX + instance;
    }

    /** The instance {@code endpoint} belongs to: itself, or for a SKU client's, its instance's. */
    public static HostInfo instanceOf(HostInfo endpoint) {
        String host = endpoint.host();
        return host.startsWith(SKU_PREFIX) ? new HostInfo(host.substring(SKU_PREFIX.length()), endpoint.port()) : endpoint;
    }

    /** Whether {@code endpoint} is one of the clients of the instance at {@code instance} (compared without allocating). */
    public static boolean sameInstance(HostInfo endpoint, HostInfo instance) {
        if (endpoint.port() != instance.port()) {
            return false;
        }
        String host = endpoint.host();
        return host.equals(instance.host()) || host.length() == SKU_PREFIX.length() + instance.host().length()
            && host.startsWith(SKU_PREFIX) && host.endsWith(instance.host());
    }
}
