package dev.allotment.schemas;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Talks to the schema registry through its Confluent-compatible API: registers the engine's schemas at start-up,
 * one after another (concurrent registrations race in the embedded registry's storage), asks the registry to keep
 * each subject BACKWARD compatible, and looks schemas up by id for {@link RegistryAvroSerdes}.
 */
public final class SchemaRegistrar {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistrar.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private final RegistryUrls urls;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    public SchemaRegistrar(RegistryUrls urls) {
        this.urls = urls;
    }

    /** Registers every subject; answers subject to schema id. Fails on an incompatible change. */
    public Map<String, Integer> registerAll(Map<String, Schema> subjects) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        subjects.forEach((subject, schema) -> ids.put(subject, register(subject, schema)));
        return ids;
    }

    public int register(String subject, Schema schema) {
        String path = "/subjects/" + encode(subject);
        String body = write(Map.of("compatibility", "BACKWARD"));
        send(HttpRequest.newBuilder(uri(path.replace("/subjects/", "/config/"))).PUT(bodyOf(body)), subject);
        String response = send(HttpRequest.newBuilder(uri(path + "/versions"))
            .POST(bodyOf(write(Map.of("schema", schema.toString())))), subject);
        try {
            int id = json.readTree(response).path("id").asInt(-1);
            if (id < 0) {
                throw new IllegalStateException("registry answered " + subject + " without an id: " + response);
            }
            LOG.info("schema {} registered as id {}", subject, id);
            return id;
        } catch (IOException e) {
            throw new IllegalStateException("registry answered " + subject + " with unreadable JSON: " + response, e);
        }
    }

    /** The schema the registry names {@code id}, through {@code GET /schemas/ids/{id}}. */
    public Schema schemaOf(int id) {
        String response = send(HttpRequest.newBuilder(uri("/schemas/ids/" + id)).GET(), "schema id " + id);
        try {
            String text = json.readTree(response).path("schema").asText(null);
            if (text == null) {
                throw new IllegalStateException("registry answered schema id " + id + " without a schema: " + response);
            }
            return new Schema.Parser().parse(text);
        } catch (IOException e) {
            throw new IllegalStateException("registry answered schema id " + id + " with unreadable JSON: " + response, e);
        }
    }

    private String send(HttpRequest.Builder request, String subject) {
        try {
            HttpResponse<String> response = sendWithRetry(request.header("Content-Type", CONTENT_TYPE)
                .timeout(Duration.ofSeconds(30)).build());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException("registry refused " + subject + ": HTTP "
                    + response.statusCode() + " " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new RegistryUnavailableException("cannot reach the schema registry at " + urls.base() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while registering " + subject, e);
        }
    }

    /** The registry may still be starting beside the engine: connection failures are retried for a minute. */
    private HttpResponse<String> sendWithRetry(HttpRequest request) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 503 || System.nanoTime() > deadline) {
                    return response;
                }
            } catch (java.net.ConnectException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                LOG.info("schema registry at {} not reachable yet; retrying", urls.base());
            }
            Thread.sleep(500);
        }
    }

    private URI uri(String path) {
        return URI.create(urls.confluentCompatible() + path);
    }

    private static HttpRequest.BodyPublisher bodyOf(String body) {
        return HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
