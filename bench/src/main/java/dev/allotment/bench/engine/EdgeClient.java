package dev.allotment.bench.engine;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One client of the engine's HTTP edge, as a shop's back office or a supplier runs it: its own {@link HttpClient}
 * (HTTP/1.1, so its one connection is kept alive and reused request after request) and one API key. Calls are
 * synchronous: the caller's thread waits for the whole response.
 */
public final class EdgeClient {
    /** What the edge answered. */
    public record Reply(int status, String body) {}

    /** An answer other than the one expected: counted as an error of the run. */
    public static final class UnexpectedReply extends Exception {
        private final int status;
        private final String body;

        public UnexpectedReply(String what, Reply reply) {
            super(what + ": HTTP " + reply.status() + " " + abbreviate(reply.body(), 500));
            this.status = reply.status();
            this.body = reply.body();
        }

        public int status() {
            return status;
        }

        public String body() {
            return body;
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final String base;
    private final String key;

    public EdgeClient(String base, String apiKey) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        this.base = base;
        this.key = apiKey;
    }

    public Reply get(String path) throws IOException, InterruptedException {
        return send(request(path).GET());
    }

    /** POST with a JSON body; {@code idempotencyKey} null = none sent. */
    public Reply post(String path, String json, String idempotencyKey) throws IOException, InterruptedException {
        HttpRequest.Builder b = request(path);
        if (json == null) {
            b.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        }
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        return send(b);
    }

    public Reply put(String path, String json) throws IOException, InterruptedException {
        return put(path, json, null);
    }

    /** PUT with a JSON body; {@code idempotencyKey} null = none sent. */
    public Reply put(String path, String json, String idempotencyKey) throws IOException, InterruptedException {
        HttpRequest.Builder b = request(path).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json));
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        return send(b);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).header("Authorization", "Bearer " + key);
    }

    private Reply send(HttpRequest.Builder b) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body());
    }

    static String abbreviate(String s, int max) {
        if (s == null) {
            return "";
        }
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }
}
