package dev.allotment.services.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Where webhooks may go, with names resolved by a table instead of DNS (so a name can be re-pointed mid-test). */
class WebhookTargetsTest {
    private final Map<String, String> dns = new HashMap<>(Map.of("supplier.example", "93.184.215.14",
        "inside.example", "10.0.0.7", "hooks.internal.test", "10.20.0.5", "sneaky.example", "169.254.169.254"));

    private WebhookTargets targets(String... allowed) {
        return new WebhookTargets(List.of(allowed), host -> {
            if (host.matches("[0-9.]+") || host.contains(":")) {
                return InetAddress.getAllByName(host);      // a literal: no lookup
            }
            String address = dns.get(host);
            if (address == null) {
                throw new UnknownHostException(host);
            }
            return new InetAddress[] {InetAddress.getByName(address)};
        });
    }

    @Test
    void aPublicHttpOrHttpsHostIsAllowed() {
        assertEquals(Optional.empty(), targets().refusal("https://supplier.example/hooks"));
        assertEquals(Optional.empty(), targets().refusal("http://93.184.215.14:8080/hooks"));
        assertEquals(Optional.empty(), targets().refusal("https://[2606:2800:220:1:248:1893:25c8:1946]/hooks"));
    }

    @Test
    void anythingButAnAbsoluteHttpUrlIsRefused() {
        for (String url : List.of("ftp://supplier.example/x", "file:///etc/passwd", "gopher://supplier.example/", "/relative",
            "supplier.example/hooks", "http:///no-host", "not a url")) {
            assertTrue(targets().refusal(url).orElse("").contains("http"), url);
        }
    }

    @Test
    void loopbackLinkLocalUnspecifiedPrivateAndMulticastAreRefused() {
        Map<String, String> kinds = Map.ofEntries(Map.entry("http://127.0.0.1/", "loopback"), Map.entry("http://127.8.9.10/", "loopback"),
            Map.entry("http://[::1]/", "loopback"), Map.entry("http://[::ffff:127.0.0.1]/", "loopback"),
            Map.entry("http://[::127.0.0.1]/", "loopback"), Map.entry("http://[64:ff9b::a00:1]/", "private"),
            Map.entry("http://169.254.1.1/", "link-local"), Map.entry("http://[fe80::1]/", "link-local"),
            Map.entry("http://0.0.0.0/", "unspecified"), Map.entry("http://0.1.2.3/", "unspecified"), Map.entry("http://[::]/", "unspecified"),
            Map.entry("http://10.1.2.3/", "private"), Map.entry("http://172.31.0.1/", "private"), Map.entry("http://192.168.0.1/", "private"),
            Map.entry("http://100.64.0.1/", "private"), Map.entry("http://[fd12::1]/", "private"),
            Map.entry("http://224.0.0.1/", "multicast"), Map.entry("http://inside.example/", "private"));
        kinds.forEach((url, kind) -> assertTrue(targets().refusal(url).orElse("").contains(kind), url + " is " + kind
            + ": " + targets().refusal(url)));
    }

    @Test
    void theMetadataServiceIsRefusedEvenWhenAllowListed() {
        WebhookTargets lenient = targets("169.254.0.0/16", "fd00::/8", "sneaky.example", "metadata.google.internal");
        for (String url : List.of("http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/", "http://sneaky.example/",
            "http://metadata.google.internal/computeMetadata/v1/", "http://METADATA.google.internal./", "http://100.100.100.200/")) {
            assertTrue(lenient.refusal(url).orElse("").contains("metadata"), url + ": " + lenient.refusal(url));
        }
        assertEquals(Optional.empty(), lenient.refusal("http://169.254.1.1/"), "the rest of the allowed range is allowed");
    }

    @Test
    void theAllowListLetsNamesAddressesAndRangesThrough() {
        WebhookTargets allowing = targets("127.0.0.1", "hooks.internal.test", "10.9.0.0/16", "fd12::/16");
        assertEquals(Optional.empty(), allowing.refusal("http://127.0.0.1:9000/hooks"));
        assertEquals(Optional.empty(), allowing.refusal("http://hooks.internal.test/hooks"), "allowed by name wherever it points");
        assertEquals(Optional.empty(), allowing.refusal("http://10.9.200.1/hooks"));
        assertEquals(Optional.empty(), allowing.refusal("http://[fd12::1]/hooks"));
        assertTrue(allowing.refusal("http://127.0.0.2/hooks").isPresent(), "only the address listed");
        assertTrue(allowing.refusal("http://10.10.0.1/hooks").isPresent(), "only the range listed");
        dns.remove("hooks.internal.test");
        assertEquals(Optional.empty(), allowing.refusal("http://hooks.internal.test/hooks"), "an allowed name need not resolve");
    }

    @Test
    void aNameThatDoesNotResolveIsRefusedOnSaveAndRetriedOnSend() {
        assertTrue(targets().refusal("https://nowhere.example/hooks").orElse("").contains("does not resolve"));
        assertThrows(UnknownHostException.class, () -> targets().verify(URI.create("https://nowhere.example/hooks")));
    }

    @Test
    void aNameIsCheckedWhereItPointsNowNotWhereItPointedWhenSaved() throws Exception {
        WebhookTargets targets = targets();
        URI url = WebhookTargets.parse("https://supplier.example/hooks");
        targets.verify(url);
        dns.put("supplier.example", "127.0.0.1");
        WebhookTargets.Forbidden refused = assertThrows(WebhookTargets.Forbidden.class, () -> targets.verify(url));
        assertTrue(refused.getMessage().contains("loopback"), refused.getMessage());
    }

    @Test
    void aBadAllowListEntryStopsTheStart() {
        assertThrows(IllegalArgumentException.class, () -> targets("10.0.0.0/40"));
        assertThrows(IllegalArgumentException.class, () -> targets("10.0.0.0/x"));
    }
}
