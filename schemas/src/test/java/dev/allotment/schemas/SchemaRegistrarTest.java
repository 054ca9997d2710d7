package dev.allotment.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The registry client against a small HTTP server playing a registry: the Confluent API at a path of its choosing,
 * basic auth when asked, and a compatibility setting it may refuse (as a managed registry's API key may).
 */
class SchemaRegistrarTest {
    private static final String USER_INFO = "engine:s3cret";
    private HttpServer server;
    private final List<String> seen = new ArrayList<>();
    private volatile boolean requireAuth;
    private volatile int configStatus = 200;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** The Confluent API under /confluent; the root answers what a registry's own UI or other API would: 404. */
    private void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        seen.add(exchange.getRequestMethod() + " " + path + (auth == null ? "" : " auth"));
        exchange.getRequestBody().readAllBytes();
        if (requireAuth && !("Basic " + Base64.getEncoder().encodeToString(USER_INFO.getBytes(StandardCharsets.UTF_8))).equals(auth)) {
            reply(exchange, 401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
        } else if (path.equals("/confluent/subjects")) {
            reply(exchange, 200, "[]");
        } else if (path.startsWith("/confluent/config/")) {
            reply(exchange, configStatus, "{\"compatibility\":\"BACKWARD\"}");
        } else if (path.startsWith("/confluent/subjects/") && path.endsWith("/versions")) {
            reply(exchange, 200, "{\"id\":7}");
        } else {
            reply(exchange, 404, "<html><body>Not Found</body></html>");
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void aUrlThatDoesNotServeTheConfluentApiStopsTheStartNamingTheUrlAndWhereApicurioServesIt() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> new SchemaRegistrar(RegistryConnection.of(base())).verify());
        assertTrue(e.getMessage().contains("the schema registry URL " + base() + " does not answer the Confluent Schema Registry API"),
            e.getMessage());
        assertTrue(e.getMessage().contains("HTTP 404") && e.getMessage().contains("/apis/ccompat/v7"), e.getMessage());
    }

    @Test
    void theConfluentApiAtItsBaseIsAccepted() {
        new SchemaRegistrar(RegistryConnection.of(base() + "/confluent/")).verify();
        assertEquals(List.of("GET /confluent/subjects"), seen);
    }

    @Test
    void missingOrWrongCredentialsStopTheStartSayingWhichSetting() {
        requireAuth = true;
        IllegalStateException none = assertThrows(IllegalStateException.class,
            () -> new SchemaRegistrar(RegistryConnection.of(base() + "/confluent")).verify());
        assertTrue(none.getMessage().contains("refused the engine's credentials (HTTP 401")
            && none.getMessage().contains("allotment.registry.basic-auth-user-info"), none.getMessage());
        IllegalStateException wrong = assertThrows(IllegalStateException.class, () -> new SchemaRegistrar(
            new RegistryConnection(base() + "/confluent", "engine:wrong", null, null, null)).verify());
        assertTrue(wrong.getMessage().contains("HTTP 401"), wrong.getMessage());
        assertFalse(wrong.getMessage().contains("wrong"), "the password is not printed: " + wrong.getMessage());
    }

    @Test
    void everyRequestCarriesBasicAuthAndARefusedCompatibilitySettingDoesNotStopRegistration() {
        requireAuth = true;
        configStatus = 403;
        SchemaRegistrar registrar = new SchemaRegistrar(new RegistryConnection(base() + "/confluent", USER_INFO, null, null, null));
        registrar.verify();
        assertEquals(7, registrar.register("t-value", Schema.create(Schema.Type.STRING)));
        assertEquals(List.of("GET /confluent/subjects auth", "PUT /confluent/config/t-value auth",
            "POST /confluent/subjects/t-value/versions auth"), seen);
    }

    @Test
    void theConnectionIsDescribedWithoutItsPasswordAndRefusesUrlsThatAreNotHttp() {
        RegistryConnection c = new RegistryConnection("https://sr.example.com/", USER_INFO, null, null, null);
        assertEquals("https://sr.example.com as engine", c.describe());
        assertFalse(c.toString().contains("s3cret"));
        assertNull(RegistryConnection.of("http://r:8081").userInfo());
        assertThrows(IllegalArgumentException.class, () -> RegistryConnection.of("r:8081"));
        assertThrows(IllegalArgumentException.class, () -> new RegistryConnection("http://r", "no-colon", null, null, null));
    }
}
