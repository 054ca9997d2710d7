package dev.allotment.streams.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A compacted "latest" feed (allotment.order-projections) published once per key per interval rather than once per
 * change: a key that changes marks itself pending (a small write, coalesced by the store's cache), and a punctuation
 * every {@link #INTERVAL} publishes each pending key's latest value from its store and unmarks it. A reader of a
 * compacted topic keeps only the last value of a key, so it loses nothing; what the engine saves is a whole order's
 * projection serialized and produced for every decision about it (issue 15 defect 5: a 500-line order's routing
 * produced 500 projections of up to 22 KB each, one per line). The pending marks are a changelogged store written in the
 * same transactions as the changes, so a task that crashes before publishing them publishes them when it starts again.
 */
final class LatestFeed<V> {
    /** How often pending keys are published: the feed is at most this much (plus a commit) behind the store. */
    static final Duration INTERVAL = Duration.ofMillis(100);
    /** At most this many keys per punctuation; the rest wait for the next. */
    static final int BATCH = 10_000;

    private final ProcessorContext<Object, Object> context;
    private final KeyValueStore<String, String> pending;
    private final Function<String, V> latest;
    private final String sink;

    /** {@code latest}: the value to publish for a key, null when there is none (nothing is published for it). */
    LatestFeed(ProcessorContext<Object, Object> context, KeyValueStore<String, String> pending, Function<String, V> latest,
               String sink) {
        this.context = context;
        this.pending = pending;
        this.latest = latest;
        this.sink = sink;
    }

    /** The key's value changed: it is published at the next punctuation. */
    void changed(String key) {
        pending.put(key, "");
    }

    /** Publishes up to {@code max} pending keys' latest values, stamped {@code now}; how many. */
    int publish(long now, int max) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, String> it = pending.all()) {
            while (it.hasNext() && keys.size() < max) {
                KeyValue<String, String> next = it.next();
                keys.add(next.key);
            }
        }
        for (String key : keys) {
            V value = latest.apply(key);
            if (value != null) {
                context.forward(new Record<Object, Object>(key, value, now), sink);
            }
            pending.delete(key);
        }
        return keys.size();
    }
}
