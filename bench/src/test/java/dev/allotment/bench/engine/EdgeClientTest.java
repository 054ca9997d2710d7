package dev.allotment.bench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP helper against a JDK HttpServer: methods, headers, bodies, status codes, and one kept-alive connection. */
class EdgeClientTest {
    private HttpServer server;
    private final List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> request = new ConcurrentHashMap<>();
            request.put("method", exchange.getRequestMethod());
            request.put("path", exchange.getRequestURI().toString());
            request.put("body", body);
            request.put("authorization", String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            request.put("idempotency", String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key")));
            request.put("type", String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")));
            seen.add(request);
            int status = exchange.getRequestURI().getPath().startsWith("/missing") ? 404 : exchange.getRequestMethod().equals("POST") ? 201 : 200;
            byte[] answer = ("{\"echo\":\"" + exchange.getRequestMethod() + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void sendsWhatTheEdgeExpectsAndReadsTheAnswer() throws Exception {
        EdgeClient client = new EdgeClient("http://127.0.0.1:" + server.getAddress().getPort(), "key-1");
        EdgeClient.Reply get = client.get("/orders/o-1");
        EdgeClient.Reply post = client.post("/orders/o-1/allocations", "{\"a\":1}", "idem-1");
        EdgeClient.Reply bare = client.post("/allocation-requests/al-1/confirm", null, null);
        EdgeClient.Reply put = client.put("/orders/allocation/o-1/", "{\"b\":2}");
        EdgeClient.Reply missing = client.get("/missing/x");
        EdgeClient.Reply keyedPut = client.put("/orders/allocation/o-2/", "{\"c\":3}", "idem-2");

        assertEquals(200, get.status());
        assertEquals("{\"echo\":\"GET\"}", get.body());
        assertEquals(201, post.status());
        assertEquals(201, bare.status());
        assertEquals(200, put.status());
        assertEquals(404, missing.status());

        assertEquals(200, keyedPut.status());

        assertEquals(6, seen.size());
        seen.forEach(r -> assertEquals("Bearer key-1", r.get("authorization")));
        assertEquals("GET", seen.get(0).get("method"));
        assertEquals("/orders/o-1", seen.get(0).get("path"));
        assertEquals("{\"a\":1}", seen.get(1).get("body"));
        assertEquals("idem-1", seen.get(1).get("idempotency"));
        assertEquals("application/json", seen.get(1).get("type"));
        assertEquals("", seen.get(2).get("body"));
        assertEquals("null", seen.get(2).get("idempotency"));
        assertEquals("PUT", seen.get(3).get("method"));
        assertEquals("{\"b\":2}", seen.get(3).get("body"));
        assertEquals("null", seen.get(3).get("idempotency"));
        assertEquals("PUT", seen.get(5).get("method"));
        assertEquals("idem-2", seen.get(5).get("idempotency"));
        assertEquals("application/json", seen.get(5).get("type"));
        assertEquals(1, clientPorts.size(), "one connection, kept alive: " + clientPorts);
    }

    @Test
    void anUnexpectedReplyNamesStatusAndBody() {
        EdgeClient.UnexpectedReply e = new EdgeClient.UnexpectedReply("allocate order o-1",
            new EdgeClient.Reply(409, "{\"error\":\"insufficient_stock\"}"));
        assertEquals(409, e.status());
        assertTrue(e.getMessage().contains("HTTP 409") && e.getMessage().contains("insufficient_stock"), e.getMessage());
        assertEquals("x".repeat(500) + "…", EdgeClient.abbreviate("x".repeat(600), 500));
        assertEquals("", EdgeClient.abbreviate(null, 5));
    }
}
