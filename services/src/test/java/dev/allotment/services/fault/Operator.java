package dev.allotment.services.fault;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.services.support.BrokerProcess;
import dev.allotment.services.support.EngineProcess;
import dev.allotment.services.support.Http;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What an operator does when the engine does not come back (docs/operations.md, "A transaction that never ends"): a
 * broker SIGKILL can leave a transaction no coordinator will end (seen once in about eight runs), and the engine,
 * restoring from that changelog, stays DOWN for good. While the engine is not healthy for longer than {@link #PATIENCE},
 * the operator reads {@code GET /admin/transactions} and aborts each hanging transaction it names with Kafka's
 * {@code kafka-transactions.sh abort}, as the runbook says; what it aborted is in the suite's summary.
 */
final class Operator {
    static final Duration PATIENCE = Duration.ofSeconds(30);
    private final EngineProcess engine;
    private final BrokerProcess broker;
    private final String adminKey;
    final List<String> aborted = Collections.synchronizedList(new ArrayList<>());

    Operator(EngineProcess engine, BrokerProcess broker, String adminKey) {
        this.engine = engine;
        this.broker = broker;
        this.adminKey = adminKey;
    }

    /** Starts the engine again on its state and waits, as {@link #awaitHealthy}, for it to serve. */
    void start(Duration bound) throws Exception {
        engine.launch();
        awaitHealthy(bound);
    }

    /** Waits until the engine is healthy, ending what it reports hanging once it has been DOWN past the patience. */
    void awaitHealthy(Duration bound) throws Exception {
        long start = System.nanoTime();
        long look = start + PATIENCE.toNanos();
        while (!engine.healthy()) {
            if (!engine.alive()) {
                throw new IllegalStateException("the engine exited; see " + engine.log());
            }
            long now = System.nanoTime();
            if (now - start > bound.toNanos()) {
                throw new IllegalStateException("the engine was not healthy within " + bound.toSeconds() + " s (hanging "
                    + "transactions aborted so far: " + aborted + "); see " + engine.log());
            }
            if (now > look) {
                abortHanging();
                look = now + Duration.ofSeconds(5).toNanos();
            }
            Thread.sleep(100);
        }
    }

    private void abortHanging() throws Exception {
        Http.Reply reply;
        try {
            reply = engine.http().send("GET", "/admin/transactions", null, "Authorization", "Bearer " + adminKey);
        } catch (AssertionError notListening) {
            return;
        }
        if (reply.status() != 200) {
            return;
        }
        for (JsonNode t : reply.json().path("transactions")) {
            if (t.path("hanging").asBoolean()) {
                String at = t.path("topic").asText() + "-" + t.path("partition").asInt() + "@" + t.path("start_offset").asLong();
                try {
                    System.out.println("fault suite: the operator aborts a hanging transaction on " + at
                        + (t.path("markers_lost").asBoolean() ? " (its coordinator had ended it; its markers were lost)" : "") + ": "
                        + broker.transactions("abort", "--topic", t.path("topic").asText(), "--partition", t.path("partition").asText(),
                            "--start-offset", t.path("start_offset").asText()).strip());
                    aborted.add(at);
                } catch (IllegalStateException e) {
                    // the report is up to 30 s old: a transaction that ended since has nothing to abort, as the runbook says
                    if (!e.getMessage().contains("Could not find any open transactions")) {
                        throw e;
                    }
                    System.out.println("fault suite: the hanging transaction on " + at + " had ended before the operator aborted it");
                }
            }
        }
    }
}
