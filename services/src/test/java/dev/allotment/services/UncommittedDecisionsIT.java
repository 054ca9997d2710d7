package dev.allotment.services;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.schemas.Topics;
import dev.allotment.services.support.DecisionLog;
import dev.allotment.services.support.EngineProcess;
import dev.allotment.services.support.Http;
import dev.allotment.services.support.RealInfrastructure;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 16: no answer is contradicted by the log after a crash. The engine commits every 6 s here, so a decision stays
 * uncommitted for seconds: a command and a stock change are decided, the engine is killed with SIGKILL before their
 * commit, and everything the edge answered in between is checked against what the log holds. The command's answer is
 * 202 (its outcome is not committed), and reads show the state before both (reads are committed reads; with
 * uncommitted reads they showed the allocation and the count that the crash then rolled back). After the restart the
 * engine decides both again from its input, and the answers equal a read_committed replay of the decision log.
 */
@ExtendWith(RealInfrastructure.class)
class UncommittedDecisionsIT {
    static final String KEY = "uncommitted-admin";
    static final Topics TOPICS = Topics.withPrefix("uncommitted.");
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
        RealInfrastructure.Endpoints infra = RealInfrastructure.endpoints();
        // one partition: one task of each kind on one stream thread, which commits them all at once every 6 s
        engine = new EngineProcess(Map.of("ALLOTMENT_KAFKA", infra.bootstrapServers(), "ALLOTMENT_REGISTRY", infra.registryUrl(),
            "ALLOTMENT_STATE_DIR", Files.createTempDirectory("uncommitted-state").toString(),
            "ALLOTMENT_TOPIC_PREFIX", TOPICS.prefix(), "ALLOTMENT_APPLICATION_ID", "uncommitted-engine",
            "ALLOTMENT_PARTITIONS", "1", "ALLOTMENT_API_KEYS", KEY + "=admin"),
            List.of("-Dallotment.streams.commit-interval-ms=6000", "-Dallotment.http.command-timeout=1s"),
            Files.createTempFile("uncommitted-engine", ".log"));
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

    static int allocatedFromTheLog() throws Exception {
        return DecisionLog.allocated(TOPICS, "wh-u").getOrDefault(SKU, 0);
    }
}
