package dev.allotment.services;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.schemas.RegistryAvroSerdes;
import dev.allotment.schemas.RegistryConnection;
import dev.allotment.schemas.Topics;
import dev.allotment.services.audit.AuditProbe;
import dev.allotment.services.support.DecisionLog;
import dev.allotment.services.support.EngineProcess;
import dev.allotment.services.support.Http;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TempDirs;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 16: no answer is contradicted by the log after a crash. The engine commits every 6 s (10 s) here, so a decision stays
 * uncommitted for seconds: a command and a stock change are decided, the engine is killed with SIGKILL before their
 * commit, and everything the edge answered in between is checked against what the log holds. The command's answer is
 * 202 (its outcome is not committed), and reads show the state before both (reads are committed reads; with
 * uncommitted reads they showed the allocation and the count that the crash then rolled back). After the restart the
 * engine decides both again from its input, and the answers equal a read_committed replay of the decision log.
 *
 * <p>In the build's pass with the SKU tasks on a client of their own ({@link RealInfrastructure#skuCommitInterval}),
 * the window is the SKU client's: the commands, counts, requests and expiries below are the SKU tasks' decisions, so
 * each test gives that client the long interval and starts its window at that client's commit.
 */
@ExtendWith(RealInfrastructure.class)
class UncommittedDecisionsIT {
    static final String KEY = "uncommitted-admin";
    static final Topics TOPICS = Topics.withPrefix("uncommitted.");
    static final Topics EXPIRY_TOPICS = Topics.withPrefix("uncommitted-expiry.");
    static final String SKU = "SKU-U";
    private EngineProcess engine;

    @AfterEach
    void stop() throws InterruptedException {
        if (engine != null) {
            engine.close();
        }
    }

    Http.Reply call(String method, String path, String body, String... headers) {
        List<String> all = new java.util.ArrayList<>(List.of("Authorization", "Bearer " + KEY));
        all.addAll(List.of(headers));
        return engine.http().send(method, path, body, all.toArray(String[]::new));
    }

    JsonNode stock() {
        return call("GET", "/stock/" + SKU, null).json().path("totals");
    }

    @Test
    void whatTheEdgeAnsweredBeforeACrashIsWhatTheLogHolds() throws Exception {
        // one partition: one task of each kind on one stream thread, which commits them all at once every 6 s (with the
        // SKU client: the SKU task on its own thread, committing every 6 s as well)
        engine = engine(TOPICS, "uncommitted-engine", 6_000, 6_000);
        engine.start(Duration.ofSeconds(120));
        assertEquals(200, call("PUT", "/locations/wh-u", "{\"name\":\"U\"}").status());
        call("PUT", "/stock/wh-u/" + SKU, "{\"physical\":10}");
        await().atMost(Duration.ofSeconds(30)).until(() -> stock().path("physical").asInt() == 10);
        call("POST", "/orders", "{\"order_id\":\"u-1\",\"channel\":\"manual\",\"lines\":[{\"line_id\":\"l-1\",\"sku\":\"" + SKU
            + "\",\"quantity\":3}]}");
        await().atMost(Duration.ofSeconds(30)).until(() -> call("GET", "/orders/u-1", null).status() == 200);
        // the order's lines reach the SKU's task one hop later: its commit is seen when a marker SKU's count shows
        Thread.sleep(6_500);
        call("PUT", "/stock/wh-u/SKU-MARK", "{\"physical\":1}");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
            .until(() -> call("GET", "/stock/SKU-MARK", null).status() == 200);
        long committedAt = System.nanoTime();   // a commit just happened: the next is about 6 s away

        Http.Reply allocation = call("POST", "/orders/u-1/allocations", "{\"allocation\":{\"warehouse_id\":\"wh-u\","
            + "\"line_items_attributes\":[{\"sellable_id\":\"" + SKU + "\",\"quantity\":3}]}}", "Idempotency-Key", "u-alloc");
        Http.Reply count = call("PUT", "/stock/wh-u/" + SKU, "{\"physical\":20}", "Idempotency-Key", "u-count");
        JsonNode before = stock();
        JsonNode order = call("GET", "/orders/u-1", null).json();
        long sinceCommit = Duration.ofNanos(System.nanoTime() - committedAt).toMillis();
        engine.kill();
        assertTrue(sinceCommit < 5_000, "the checks ran before the next commit (" + sinceCommit + " ms after the last)");

        // nothing uncommitted was told: the command waited for a commit that never came, the reads show the state before
        assertEquals(202, allocation.status(), "a decision not yet committed is not answered as made: " + allocation.body());
        assertEquals(202, count.status(), count.body());
        assertEquals(10, before.path("physical").asInt(), "the new count is not committed: " + before);
        assertEquals(0, before.path("allocated").asInt(), "the allocation is not committed: " + before);
        assertEquals(0, order.path("lines").get(0).path("allocated_quantity").asInt(), order.toString());
        assertEquals(0, allocatedFromTheLog(), "the crash rolled the allocation back: the log holds none");

        engine.start(Duration.ofSeconds(120));
        // the engine decides both again from their committed input: the retries get those decisions
        String body = "{\"allocation\":{\"warehouse_id\":\"wh-u\",\"line_items_attributes\":[{\"sellable_id\":\"" + SKU
            + "\",\"quantity\":3}]}}";
        Http.Reply[] last = new Http.Reply[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            last[0] = call("POST", "/orders/u-1/allocations", body, "Idempotency-Key", "u-alloc");
            return last[0].status() != 202 && last[0].status() != 503;
        });
        Http.Reply retried = last[0];
        assertEquals(201, retried.status(), retried.body());
        await().atMost(Duration.ofSeconds(30)).until(() -> stock().path("physical").asInt() == 20
            && stock().path("allocated").asInt() == 3);
        assertEquals(3, allocatedFromTheLog(), "the answers equal the committed decision log");
    }

    /**
     * An expiry is a decision too, taken on the wall clock by a punctuation: a supplier's request made and timed out
     * between two commits, with a stock change beside it, is rolled back by a crash before the commit, and nothing the
     * edge answered meanwhile showed it. After the restart the engine makes the request again from its committed input
     * and times it out again: the log holds each once, and the answers equal it.
     */
    @Test
    void anExpiryBetweenTwoCommitsIsRolledBackWithTheRestAndDecidedOnceAfterTheRestart() throws Exception {
        // with the SKU client, the order's commits come quickly and the SKU task's 10 s apart: the order's line reaches it
        // just after one of its commits
        boolean skuClient = RealInfrastructure.skuCommitInterval().isPresent();
        engine = engine(EXPIRY_TOPICS, "uncommitted-expiry-engine", skuClient ? 200 : 10_000, 10_000);
        engine.start(Duration.ofSeconds(120));
        // a supplier whose requests time out after 1 s; the channel routes to it alone
        assertEquals(200, call("PUT", "/locations/sup-u", "{\"name\":\"S\",\"kind\":\"SUPPLIER\",\"confirm_mode\":\"CONFIRM\","
            + "\"confirm_timeout_seconds\":1,\"tracks_stock\":true}").status());
        await().atMost(Duration.ofSeconds(30)).until(() -> call("PUT", "/channels/web/routing", "{\"locations\":[\"sup-u\"]}")
            .status() == 200);
        call("PUT", "/stock/sup-u/" + SKU, "{\"physical\":5}");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
            .until(() -> stock().path("physical").asInt() == 5);
        long skuCommittedAt = System.nanoTime();   // the count's commit was just seen (reads are committed reads)

        Http.Reply placed = call("POST", "/orders", "{\"order_id\":\"x-1\",\"channel\":\"web\",\"lines\":[{\"line_id\":"
            + "\"l-1\",\"sku\":\"" + SKU + "\",\"quantity\":2}]}");
        // the order's commit sends its line to the SKU's task, which reads it at once: the request is made just after
        // this commit, times out a second later (the expiry punctuation runs every second), and the next commit is 10 s on
        // (the commit is seen in the log, read read_committed: GET /orders/{id} reads the orders store's pending writes,
        // a commit early, until CommitTimeStore's committed view is fixed; see the stop note of 2026-12-02)
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
            .until(() -> DecisionLog.kinds(EXPIRY_TOPICS, "x-1").containsKey("ReservationCreated"));
        long committedAt = skuClient ? skuCommittedAt : System.nanoTime();
        Http.Reply count = call("PUT", "/stock/sup-u/" + SKU, "{\"physical\":7}", "Idempotency-Key", "x-count");
        Thread.sleep(2_600);   // past the request's expiry, before the next commit
        JsonNode before = stock();
        JsonNode requests = call("GET", "/allocation-requests?status=all&order=x-1", null).json().path("allocation_requests");
        JsonNode order = call("GET", "/orders/x-1", null).json();
        Map<String, Integer> written = DecisionLog.kindsWritten(EXPIRY_TOPICS, "x-1");
        long sinceCommit = Duration.ofNanos(System.nanoTime() - committedAt).toMillis();
        engine.kill();
        assertTrue(sinceCommit < 8_000, "the checks ran before the next commit (" + sinceCommit + " ms after the last)");

        assertTrue(placed.status() == 201 || placed.status() == 202, placed.body());
        assertEquals(1, written.get("AllocationRequested"), "the request was made before the kill, in the open transaction: " + written);
        assertEquals(1, written.get("AllocationTimedOut"), "and it timed out there: " + written);
        assertEquals(202, count.status(), "a count not yet committed is not answered as applied: " + count.body());
        assertEquals(0, requests.size(), "neither the request nor its expiry is committed: " + requests);
        assertEquals(5, before.path("physical").asInt(), before.toString());
        assertEquals(0, before.path("allocated").asInt(), before.toString());
        assertEquals(0, order.path("lines").get(0).path("allocated_quantity").asInt(), order.toString());
        assertEquals(Map.of("ReservationCreated", 1), DecisionLog.kinds(EXPIRY_TOPICS, "x-1"),
            "the crash rolled back the request and its expiry; the reservation was committed before");

        engine.start(Duration.ofSeconds(120));
        await().atMost(Duration.ofSeconds(30)).until(() -> DecisionLog.kinds(EXPIRY_TOPICS, "x-1").containsKey("LineBackordered"));
        Map<String, Integer> kinds = DecisionLog.kinds(EXPIRY_TOPICS, "x-1");
        assertEquals(1, kinds.get("AllocationRequested"), "requested once in the committed log: " + kinds);
        assertEquals(1, kinds.get("AllocationTimedOut"), "timed out once: " + kinds);
        await().atMost(Duration.ofSeconds(30)).until(() -> stock().path("physical").asInt() == 7);
        assertEquals(0, stock().path("allocated").asInt(), "the timed-out request gave its stock back");
        // the order's fold shows the request one commit later: one request, timed out
        JsonNode[] request = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            request[0] = call("GET", "/allocation-requests?status=all&order=x-1", null).json().path("allocation_requests");
            return request[0].size() > 0 && request[0].get(0).path("status").asText().equals("timed-out");
        });
        assertEquals(1, request[0].size(), request[0].toString());
        // and every answer of the engine equals a read_committed replay of the decision and stock logs
        RealInfrastructure.Endpoints infra = RealInfrastructure.endpoints();
        List<String> audit = AuditProbe.audit(infra.bootstrapServers(), EXPIRY_TOPICS,
            new RegistryAvroSerdes(RegistryConnection.of(infra.registryUrl())), engine.base(), KEY);
        assertEquals(1, audit.size(), "no difference, only the audit's summary: " + audit);
        Http.Reply retried = call("PUT", "/stock/sup-u/" + SKU, "{\"physical\":7}", "Idempotency-Key", "x-count");
        assertEquals(200, retried.status(), "the count's retry gets its committed outcome: " + retried.body());
    }

    /**
     * The engine of a test, committing every {@code commitIntervalMs}; in the SKU client's pass, its SKU client every
     * {@code skuCommitIntervalMs}.
     */
    private EngineProcess engine(Topics topics, String applicationId, int commitIntervalMs, int skuCommitIntervalMs)
        throws Exception {
        RealInfrastructure.Endpoints infra = RealInfrastructure.endpoints();
        List<String> options = new java.util.ArrayList<>(List.of("-Dallotment.streams.commit-interval-ms=" + commitIntervalMs,
            "-Dallotment.http.command-timeout=1s"));
        if (RealInfrastructure.skuCommitInterval().isPresent()) {
            options.add("-D" + RealInfrastructure.SKU_CLIENT_SETTING + "=" + skuCommitIntervalMs);
        }
        return new EngineProcess(Map.of("ALLOTMENT_KAFKA", infra.bootstrapServers(), "ALLOTMENT_REGISTRY", infra.registryUrl(),
            "ALLOTMENT_STATE_DIR", TempDirs.create("uncommitted-state").toString(),
            "ALLOTMENT_TOPIC_PREFIX", topics.prefix(), "ALLOTMENT_APPLICATION_ID", applicationId,
            "ALLOTMENT_PARTITIONS", "1", "ALLOTMENT_API_KEYS", KEY + "=admin"),
            options, Files.createTempFile(applicationId, ".log"));
    }

    static int allocatedFromTheLog() throws Exception {
        return DecisionLog.allocated(TOPICS, "wh-u").getOrDefault(SKU, 0);
    }
}
