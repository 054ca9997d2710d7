package dev.allotment.bench.engine;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * GETs on the engine's HTTP edge as an analyst's tool makes them: the analyst key, HTTP/1.1 with keep-alive (one
 * connection per client used by one thread at a time), the body read in full.
 */
public final class AnalystClient {
    private final HttpClient http;
    private final String base;
    private final Duration timeout;

    public AnalystClient(String base, Duration timeout) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        this.base = base;
        this.timeout = timeout;
    }

    public AnalystClient(EngineStack stack) {
        this(stack.httpBase(), Duration.ofSeconds(30));
    }

    private HttpRequest request(String path) {
        // no Accept header: the JSON routes answer JSON anyway
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + EngineStack.ANALYST_KEY)
            .timeout(timeout).GET().build();
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<byte[]> getBytes(String path) throws IOException, InterruptedException {
        return http.send(request(path), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A non-2xx answer to a measured query: counted as an error of its run. */
    public static final class Refused extends IOException {
        public final int status;

        public Refused(String path, int status, String body) {
            super("GET " + path + " answered " + status + ": " + (body.length() > 300 ? body.substring(0, 300) + "…" : body));
            this.status = status;
        }
    }
}
