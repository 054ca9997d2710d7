package dev.allotment.schemas;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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
 * Talks to the schema registry through the Confluent Schema Registry API ({@link RegistryConnection}): checks at start-up
 * that the URL speaks it ({@link #verify()}), registers the engine's schemas one after another (concurrent
 * registrations race in the embedded registry's storage), asks the registry to keep each subject BACKWARD compatible,
 * and looks schemas up by id for {@link RegistryAvroSerdes}.
 */
public final class SchemaRegistrar {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistrar.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private final RegistryConnection registry;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    public SchemaRegistrar(RegistryConnection registry) {
        this.registry = registry;
        this.http = registry.client();
    }

    /**
     * Fails, naming the URL, unless the registry answers the Confluent API there: {@code GET /subjects} must answer a JSON
     * array. A registry that serves it under a path (Apicurio 2.x, {@code /apis/ccompat/v7}) answers something else at
     * its root, and so does a registry that refuses the credentials.
     */
    public void verify() {
        HttpResponse<String> response = exchange(registry.request("/subjects").GET()
            .header("Accept", CONTENT_TYPE + ", application/json").timeout(Duration.ofSeconds(30)).build(), "/subjects");
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new IllegalStateException("the schema registry at " + registry.url() + " refused the engine's credentials"
                + " (HTTP " + status + " to GET " + registry.at("/subjects") + "): "
                + (registry.userInfo() == null ? "it needs basic auth; set allotment.registry.basic-auth-user-info"
                    + " (ALLOTMENT_REGISTRY_USER_INFO) to user:password" : "check allotment.registry.basic-auth-user-info"));
        }
        boolean confluent = false;
        if (status == 200) {
            try {
                confluent = json.readTree(response.body()).isArray();
            } catch (IOException e) {
                confluent = false;
            }
        }
        if (!confluent) {
            throw new IllegalStateException("the schema registry URL " + registry.url() + " does not answer the Confluent"
                + " Schema Registry API: GET " + registry.at("/subjects") + " answered HTTP " + status + " "
                + abbreviate(response.body()) + ". Give the API's base: Confluent Schema Registry, Karapace and Redpanda"
                + " serve it at their root, Apicurio Registry 2.x at …/apis/ccompat/v7");
        }
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
        HttpResponse<String> config = sendOnce(registry.request(path.replace("/subjects/", "/config/")).PUT(bodyOf(body)),
            subject);
        if (config.statusCode() / 100 != 2) {
            // a managed registry may keep compatibility for its administrators (Confluent Cloud's API keys by role)
            LOG.warn("the schema registry did not set {} BACKWARD compatible (HTTP {} {}); its own default applies",
                subject, config.statusCode(), abbreviate(config.body()));
        }
        String response = send(registry.request(path + "/versions")
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
        String response = send(registry.request("/schemas/ids/" + id).GET(), "schema id " + id);
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
        HttpResponse<String> response = sendOnce(request, subject);
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("the schema registry at " + registry.url() + " refused " + subject + ": HTTP "
                + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    private HttpResponse<String> sendOnce(HttpRequest.Builder request, String subject) {
        return exchange(request.header("Content-Type", CONTENT_TYPE).timeout(Duration.ofSeconds(30)).build(), subject);
    }

    private HttpResponse<String> exchange(HttpRequest request, String what) {
        try {
            return sendWithRetry(request);
        } catch (javax.net.ssl.SSLException e) {
            throw new RegistryUnavailableException("TLS with the schema registry at " + registry.url() + " failed (" + e
                + "): is its certificate trusted? Give its CA in allotment.registry.ssl.truststore-location", e);
        } catch (IOException e) {
            throw new RegistryUnavailableException("cannot reach the schema registry at " + registry.url() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the schema registry for " + what, e);
        }
    }

    private static String abbreviate(String body) {
        String flat = body == null ? "" : body.replaceAll("\\s+", " ").strip();
        return flat.length() <= 200 ? flat : flat.substring(0, 200) + "…";
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
                LOG.info("schema registry at {} not reachable yet; retrying", registry.url());
            }
            Thread.sleep(500);
        }
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
