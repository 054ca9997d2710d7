package dev.allotment.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.ConfirmMode;
import dev.allotment.events.LocationKind;
import dev.allotment.events.LocationUpserted;
import dev.allotment.schemas.Topics;
import dev.allotment.services.support.Http;
import dev.allotment.services.support.LocationFeed;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TempDirs;
import dev.allotment.services.support.TestEngine;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A location written by someone else than this instance (another instance's edge; here a producer of the test's) is
 * found by the very next call that names it: an instance lets its copy of the locations catch up with the topic
 * before it answers "no location". And a location that does not exist is answered as such at once, not after the
 * catch-up's bound, also after a restart that restored the copy from its checkpoint (its loader ran on nothing then).
 */
@ExtendWith(RealInfrastructure.class)
class LocationCatchUpEndToEndTest {
    static final Topics TOPICS = Topics.withPrefix("e2e-catch-up.");
    static final String ADMIN = "admin-key";
    /** Well below the catch-up's bound (the command timeout, 5 s): a miss of a caught-up copy costs two admin calls. */
    static final long PROMPT_MS = 2_500;

    @Test
    void aLocationPublishedElsewhereIsFoundAtOnceAndAnUnknownOneIsRefusedPromptlyAlsoAfterARestart() throws Exception {
        Path state = TempDirs.create("catch-up-state");
        Map<String, Object> settings = Map.of("allotment.api-keys", ADMIN + "=admin",
            "allotment.streams.state-dir", state.toString());
        try (TestEngine engine = TestEngine.start(TOPICS.prefix(), settings)) {
            Http http = engine.http();
            for (int i = 0; i < 5; i++) {
                String id = "elsewhere-" + i;
                LocationFeed.publish(TOPICS, new LocationUpserted(id, id, LocationKind.WAREHOUSE, ConfirmMode.DIRECT, null, true, null));
                Http.Reply stock = http.keyed(ADMIN, "PUT", "/stock/" + id + "/SKU-1", "{\"physical\":3}", null);
                assertEquals(200, stock.status(), id + ": " + stock.body());
                Http.Reply routing = http.keyed(ADMIN, "PUT", "/channels/c" + i + "/routing",
                    "{\"locations\":[\"" + id + "\"]}", null);
                assertEquals(200, routing.status(), id + ": " + routing.body());
            }
            refusedPromptly(http);
        }
        try (TestEngine restarted = TestEngine.start(TOPICS.prefix(), settings)) {
            Http http = restarted.http();
            assertEquals(200, http.keyed(ADMIN, "GET", "/locations/elsewhere-0", null, null).status());
            refusedPromptly(http);
        } finally {
            TempDirs.removeTree(state);
        }
    }

    private static void refusedPromptly(Http http) {
        long started = System.nanoTime();
        Http.Reply routing = http.keyed(ADMIN, "PUT", "/channels/nowhere/routing", "{\"locations\":[\"no-such-place\"]}", null);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals(400, routing.status(), routing.body());
        assertTrue(routing.body().contains("no location no-such-place"), routing.body());
        assertTrue(tookMs < PROMPT_MS, "refused in " + tookMs + " ms");

        started = System.nanoTime();
        Http.Reply stock = http.keyed(ADMIN, "PUT", "/stock/no-such-place/SKU-1", "{\"physical\":1}", null);
        tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals(404, stock.status(), stock.body());
        assertTrue(tookMs < PROMPT_MS, "refused in " + tookMs + " ms");
    }
}
