package dev.allotment.services.fault;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.services.support.Http;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One caller of the edge with its own API key. A write is sent with an Idempotency-Key and sent again with the same key
 * until it gets a final answer (2xx or 4xx): a lost connection (the engine is down), a 5xx or a 202 (not decided within
 * the command timeout) is not final.
 */
abstract class FaultClient implements Runnable {
    /** How long one write may take to get a final answer, engine restarts included, before the run fails. */
    static final Duration PATIENCE = Duration.ofMinutes(5);
    final String name;
    final String apiKey;
    final Http http;
    final Random random;
    final Tally tally;
    final Expected expected;
    final AtomicBoolean stop;
    private int keys;

    FaultClient(String name, String apiKey, Http http, long seed, Tally tally, Expected expected, AtomicBoolean stop) {
        this.name = name;
        this.apiKey = apiKey;
        this.http = http;
        this.random = new Random(seed);
        this.tally = tally;
        this.expected = expected;
        this.stop = stop;
    }

    /** One step of the client's work. */
    abstract void step() throws Exception;

    @Override
    public void run() {
        while (!stop.get()) {
            try {
                step();
                Thread.sleep(20 + random.nextInt(80));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception | AssertionError e) {
                tally.failed(name + ": " + e);
            }
        }
    }

    /** A fresh Idempotency-Key (no ':' in it: command ids are the key, ':', and what the part is). */
    String newKey() {
        return name + "-k" + (++keys);
    }

    /**
     * A write of some {@code kind} (order, adjust, …), sent again with {@code key} until its answer is final; null when
     * none came within {@link #PATIENCE}.
     */
    Http.Reply write(String kind, String method, String path, String body, String key) throws InterruptedException {
        tally.calls.increment();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        boolean pending = false;
        while (System.nanoTime() < deadline) {
            Http.Reply reply;
            try {
                reply = http.send(method, path, body, "Authorization", "Bearer " + apiKey, "Idempotency-Key", key);
            } catch (AssertionError lost) {
                tally.retried("connection");
                Thread.sleep(250);
                continue;
            }
            if (reply.status() >= 500 && reply.status() != 503) {
                // an outage is a 503 with Retry-After, never another 5xx (a 500 once named the registry's address)
                tally.failed(name + ": " + method + " " + path + " (key " + key + ") answered " + reply.status() + ": " + reply.body());
            }
            if (reply.status() == 202 || reply.status() >= 500) {
                tally.retried(Integer.toString(reply.status()));
                pending |= reply.status() == 202;
                Thread.sleep(250);
                continue;
            }
            tally.answered(kind, reply.status());
            if (pending) {
                tally.pendingThenDecided.increment();
            }
            if (reply.status() / 100 == 4) {
                expected.refused.put(key, method + " " + path + " " + reply.status() + " " + reply.body());
            }
            return reply;
        }
        tally.failed(name + ": " + method + " " + path + " (key " + key + ") got no final answer within " + PATIENCE);
        return null;
    }

    /** A read (GET) with the client's key; null while the engine does not answer it. */
    JsonNode read(String path) {
        tally.reads.increment();
        try {
            Http.Reply reply = http.send("GET", path, null, "Authorization", "Bearer " + apiKey);
            return reply.status() == 200 ? reply.json() : null;
        } catch (AssertionError lost) {
            return null;
        }
    }

    <T> T pick(java.util.List<T> list) {
        return list.isEmpty() ? null : list.get(random.nextInt(list.size()));
    }
}
