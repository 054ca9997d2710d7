package dev.allotment.services;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.schemas.Topics;
import dev.allotment.services.support.EngineProcess;
import dev.allotment.services.support.Http;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TempDirs;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A list when some partitions have no copy that answers: two instances without standby copies, one killed with SIGKILL.
 * Until the group moves its partitions, a list is 503 with Retry-After, or, asked with allow_partial=true, 200 with the
 * orders of the survivor's partitions alone and Allotment-Partial naming the others; once they moved, it is whole again.
 */
@ExtendWith(RealInfrastructure.class)
class PartialListIT {
    static final String KEY = "partial-admin";
    static final Topics TOPICS = Topics.withPrefix("partial.");
    static final int ORDERS = 24;
    private final List<EngineProcess> engines = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (EngineProcess engine : engines) {
            engine.close();
        }
    }

    Http.Reply call(int instance, String path) {
        return engines.get(instance).http().send("GET", path, null, "Authorization", "Bearer " + KEY);
    }

    static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("data").forEach(o -> ids.add(o.path("order").path("id").asText()));
        return ids;
    }

    @Test
    void aListWithoutAnyCopyOfSomePartitionsIsRefusedOrPartialAsAsked() throws Exception {
        RealInfrastructure.Endpoints infra = RealInfrastructure.endpoints();
        for (int i = 0; i < 2; i++) {
            engines.add(new EngineProcess(Map.of("ALLOTMENT_KAFKA", infra.bootstrapServers(),
                "ALLOTMENT_REGISTRY", infra.registryUrl(),
                "ALLOTMENT_STATE_DIR", TempDirs.create("partial-state-" + i).toString(),
                "ALLOTMENT_TOPIC_PREFIX", TOPICS.prefix(), "ALLOTMENT_APPLICATION_ID", "partial-engine",
                "ALLOTMENT_PARTITIONS", "4", "ALLOTMENT_API_KEYS", KEY + "=admin", "ALLOTMENT_CLUSTER_SECRET", "partial-secret"),
                // a 30 s session: the dead member keeps its partitions, without a copy anywhere, long enough to ask twice
                List.of("-Dallotment.streams.standby-replicas=0", "-Dallotment.streams.config.consumer.session.timeout.ms=30000",
                    "-Dallotment.streams.config.consumer.heartbeat.interval.ms=3000"), Files.createTempFile("partial-engine-" + i, ".log")));
        }
        for (EngineProcess engine : engines) {
            engine.launch();
        }
        for (EngineProcess engine : engines) {
            engine.awaitHealthy(Duration.ofSeconds(180));
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> engines.stream().allMatch(EngineProcess::healthy));
        for (int i = 0; i < ORDERS; i++) {
            Http.Reply placed = engines.get(i % 2).http().send("POST", "/orders", "{\"order_id\":\"p-" + (100 + i)
                + "\",\"channel\":\"manual\",\"lines\":[{\"line_id\":\"l-1\",\"sku\":\"P-" + i + "\",\"quantity\":1}]}",
                "Authorization", "Bearer " + KEY);
            assertTrue(placed.status() / 100 == 2, placed.body());
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> call(0, "/reservations?limit=100").status() == 200
            && ids(call(0, "/reservations?limit=100").json()).size() == ORDERS);
        List<String> all = ids(call(0, "/reservations?limit=100").json());

        engines.get(1).kill();   // its partitions have no copy anywhere until the group gives them to the survivor
        Http.Reply refused = call(0, "/reservations?limit=100");
        Http.Reply partial = call(0, "/reservations?limit=100&allow_partial=true");
        assertEquals(503, refused.status(), "a list that lacks partitions is not given as whole: " + refused.body());
        assertTrue(refused.headers().firstValue("Retry-After").isPresent(), refused.headers().map().toString());
        assertEquals(200, partial.status(), partial.body());
        String lacking = partial.headers().firstValue("Allotment-Partial").orElse("");
        assertTrue(lacking.startsWith(TOPICS.orderEvents() + " "), "the partial answer names what it lacks: " + lacking);
        TreeSet<String> got = new TreeSet<>(ids(partial.json()));
        assertTrue(all.containsAll(got) && got.size() < all.size() && !got.isEmpty(),
            "the survivor's orders, and only those: " + got + " of " + all);

        assertTrue(ids(partial.json()).stream().allMatch(id -> id.startsWith("p-")), partial.body());
        // the group moves the dead member's partitions after its session timeout: the list is whole again, and not partial
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
            Http.Reply whole = call(0, "/reservations?limit=100&allow_partial=true");
            return whole.status() == 200 && whole.headers().firstValue("Allotment-Partial").isEmpty()
                && ids(whole.json()).equals(all);
        });
    }
}
