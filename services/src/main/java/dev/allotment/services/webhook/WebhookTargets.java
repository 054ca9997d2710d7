package dev.allotment.services.webhook;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Where webhooks may go: absolute http(s) URLs whose host resolves to public addresses only, so that a location's
 * {@code webhook_url} cannot make the engine call itself, its machine, the cloud's metadata service or the private
 * network behind it (SSRF). {@code allotment.webhooks.allowed-hosts} lets host names, addresses and CIDR ranges
 * through; the metadata service never. Checked when a location is saved and again before every delivery attempt,
 * since a name may resolve elsewhere by then.
 */
@Singleton
public class WebhookTargets {
    /** Metadata services of the clouds: never a webhook's target, allow-list or not. */
    private static final Set<String> METADATA_NAMES = Set.of("metadata.google.internal", "metadata");
    private static final List<Range> METADATA = List.of(Range.parse("169.254.169.254"), Range.parse("fd00:ec2::254"),
        Range.parse("100.100.100.200"));
    private static final List<Range> PRIVATE = List.of(Range.parse("10.0.0.0/8"), Range.parse("172.16.0.0/12"),
        Range.parse("192.168.0.0/16"), Range.parse("100.64.0.0/10"), Range.parse("fc00::/7"), Range.parse("fec0::/10"));
    private static final Range THIS_NETWORK = Range.parse("0.0.0.0/8");

    /** Looks a host up: {@link InetAddress#getAllByName} but for tests. */
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** The engine must not call this URL. */
    public static final class Forbidden extends Exception {
        Forbidden(String message) {
            super(message);
        }
    }

    private final Set<String> allowedNames = new HashSet<>();
    private final List<Range> allowedRanges = new ArrayList<>();
    private final Resolver resolver;

    @Inject
    public WebhookTargets(WebhookSettings settings) {
        this(settings.getAllowedHosts(), InetAddress::getAllByName);
    }

    WebhookTargets(List<String> allowedHosts, Resolver resolver) {
        this.resolver = resolver;
        for (String entry : allowedHosts) {
            String host = normalize(entry);
            if (host.contains("/") || host.contains(":") || host.matches("[0-9.]+")) {
                allowedRanges.add(Range.parse(host));
            } else if (!host.isEmpty()) {
                allowedNames.add(host);
            }
        }
    }

    /** Why the engine would not send webhooks to {@code url} now, or empty when it would. */
    public Optional<String> refusal(String url) {
        try {
            verify(parse(url));
            return Optional.empty();
        } catch (Forbidden e) {
            return Optional.of(e.getMessage());
        } catch (UnknownHostException e) {
            return Optional.of("host " + e.getMessage() + " does not resolve");
        }
    }

    /** {@code url} as a URI, when it is an absolute http or https URL with a host. */
    static URI parse(String url) throws Forbidden {
        try {
            URI uri = new URI(url.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // answered below
        }
        throw new Forbidden("must be an absolute http:// or https:// URL with a host name, was " + url);
    }

    /**
     * Resolves {@code url}'s host and checks every address it has now: {@link Forbidden} when the engine must not call
     * it, {@link UnknownHostException} when it does not resolve (maybe for a moment).
     */
    void verify(URI url) throws Forbidden, UnknownHostException {
        String host = normalize(url.getHost());
        if (METADATA_NAMES.contains(host)) {
            throw new Forbidden(host + " is a cloud metadata service");
        }
        boolean named = allowedNames.contains(host);
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            if (named) {
                return;     // allowed by name: the operator vouches for it wherever it points
            }
            throw new UnknownHostException(host);
        }
        for (InetAddress address : addresses) {
            InetAddress a = embeddedIpv4(address);
            if (in(METADATA, a)) {
                throw new Forbidden(host + " resolves to " + a.getHostAddress() + ", a cloud metadata service");
            }
            Optional<String> kind = restricted(a);
            if (kind.isPresent() && !named && !in(allowedRanges, a)) {
                throw new Forbidden(host + " resolves to " + a.getHostAddress() + ", a " + kind.get() + " address "
                    + "(allotment.webhooks.allowed-hosts can let it through)");
            }
        }
    }

    /** What kind of address the engine does not call unless allowed: loopback, link-local, private…; empty: public. */
    static Optional<String> restricted(InetAddress a) {
        if (a.isAnyLocalAddress() || in(List.of(THIS_NETWORK), a)) {
            return Optional.of("unspecified");
        }
        if (a.isLoopbackAddress()) {
            return Optional.of("loopback");
        }
        if (a.isLinkLocalAddress()) {
            return Optional.of("link-local");
        }
        if (in(PRIVATE, a)) {
            return Optional.of("private");
        }
        if (a.isMulticastAddress() || a.getHostAddress().equals("255.255.255.255")) {
            return Optional.of("multicast or broadcast");
        }
        return Optional.empty();
    }

    /** The IPv4 address inside an IPv4-compatible or NAT64 ({@code 64:ff9b::/96}) IPv6 address, else the address. */
    static InetAddress embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] b = address.getAddress();
        boolean compatible = ((Inet6Address) address).isIPv4CompatibleAddress() && !address.isLoopbackAddress()
            && !address.isAnyLocalAddress();
        boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
            && allZero(b, 4, 12);
        if (!compatible && !nat64) {
            return address;
        }
        try {
            return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean in(List<Range> ranges, InetAddress a) {
        return ranges.stream().anyMatch(r -> r.contains(a));
    }

    private static String normalize(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    /** An address block: an address and how many of its leading bits a member shares. */
    record Range(byte[] network, int bits) {
        /** {@code 10.0.0.0/8}, {@code fc00::/7}, or one address. */
        static Range parse(String text) {
            String[] parts = text.trim().split("/", 2);
            if (!parts[0].matches("[0-9.]+") && !parts[0].contains(":")) {
                throw new IllegalArgumentException("not an IP address or CIDR range: " + text);
            }
            try {
                byte[] network = InetAddress.getByName(parts[0]).getAddress();     // a literal: no lookup
                int bits = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : network.length * 8;
                if (bits < 0 || bits > network.length * 8) {
                    throw new IllegalArgumentException("prefix length out of range: " + text);
                }
                return new Range(network, bits);
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("not an IP address or CIDR range: " + text, e);
            }
        }

        boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length != network.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((a[i / 8] & mask) != (network[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
