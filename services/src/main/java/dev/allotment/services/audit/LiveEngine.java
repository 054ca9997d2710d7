package dev.allotment.services.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** The running engine as its HTTP edge answers: a SKU's stock, an order's projection. */
final class LiveEngine {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String apiKey;

    LiveEngine(String base, String apiKey) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.apiKey = apiKey;
    }

    /** {@code GET /stock/{sku}}; empty for a 404. */
    Optional<JsonNode> stock(String sku) {
        return get("/stock/" + encode(sku));
    }

    /** {@code GET /orders/{id}}; empty for a 404. */
    Optional<JsonNode> order(String orderId) {
        return get("/orders/" + encode(orderId));
    }

    private Optional<JsonNode> get(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + apiKey).GET().build();
        try {
            HttpResponse<String> reply = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (reply.statusCode() == 404) {
                return Optional.empty();
            }
            if (reply.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " answered " + reply.statusCode() + ": " + reply.body());
            }
            return Optional.of(JSON.readTree(reply.body()));
        } catch (IOException e) {
            throw new IllegalStateException("GET " + base + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String encode(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
