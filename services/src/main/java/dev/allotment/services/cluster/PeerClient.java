package dev.allotment.services.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Asks another instance of the engine for what its own stores hold, on {@code GET /internal/state/{query}}, showing
 * the cluster secret. Any answer but 200 (a 503 from a copy that moved away, a refused connection, a timeout) is a
 * {@link PeerUnavailableException}: the caller tries another copy or answers 503 itself.
 */
public final class PeerClient {
    /** The header a list's answer names the partitions it covers in (comma-separated). */
    public static final String PARTITIONS_HEADER = "Allotment-Partitions";
    private final HttpClient http;
    private final String secret;
    private final Duration timeout;

    public PeerClient(String secret, Duration timeout) {
        this.secret = secret;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** Whether forwarding is set up (a secret every instance shares). */
    public boolean enabled() {
        return !secret.isEmpty();
    }

    /** A peer's answer: its frame, and for a list, the partitions it covers. */
    public record Reply(byte[] body, Optional<String> partitions) {}

    /** What {@code host} answers to {@code query} with {@code params} (null values left out). */
    public Reply get(HostInfo host, String query, Map<String, String> params) {
        if (!enabled()) {
            throw new PeerUnavailableException("this instance has no allotment.cluster.secret, so it cannot ask "
                + host.host() + ":" + host.port() + ", which holds the key");
        }
        StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
        params.forEach((k, v) -> {
            if (v != null) {
                q.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        URI uri = URI.create("http://" + host.host() + ":" + host.port() + "/internal/state/" + query + q);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Authorization", "Bearer " + secret)
            .header("Accept", "application/octet-stream").GET().build();
        try {
            HttpResponse<byte[]> reply = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (reply.statusCode() != 200) {
                throw new PeerUnavailableException(host.host() + ":" + host.port() + " answered " + reply.statusCode()
                    + " to " + query + ": " + new String(reply.body(), StandardCharsets.UTF_8));
            }
            return new Reply(reply.body(), reply.headers().firstValue(PARTITIONS_HEADER));
        } catch (IOException e) {
            throw new PeerUnavailableException(host.host() + ":" + host.port() + " did not answer " + query + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerUnavailableException("interrupted asking " + host.host() + ":" + host.port());
        }
    }
}
