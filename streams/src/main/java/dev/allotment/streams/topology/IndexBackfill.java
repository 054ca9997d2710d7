package dev.allotment.streams.topology;

import dev.allotment.streams.state.IndexKeys;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Fills a secondary index from its source store when the index is newer than the store (an engine upgraded with state
 * already in place), a batch per punctuation, resuming after the last key done ({@link IndexKeys#RESUME}) across
 * commits and restarts, then marks it {@link IndexKeys#BUILT}; readers refuse an index that is not built. A new task's
 * store is empty and its index is marked built at the first punctuation. Writes made while it fills are indexed by the
 * processors as usual; filling writes an entry again, which changes nothing.
 *
 * <p>Not done in {@code init}: a store write there has no record context to log the change with.
 */
final class IndexBackfill {
    static final Duration INTERVAL = Duration.ofMillis(20);
    static final int BATCH = 5_000;

    private IndexBackfill() {}

    /** Schedules the fill of {@code index} from {@code source} on this task, unless it is built. */
    static <V> void schedule(ProcessorContext<?, ?> context, KeyValueStore<String, V> source, KeyValueStore<String, String> index,
                             Consumer<V> add) {
        if (index.get(IndexKeys.BUILT) != null) {
            return;
        }
        Cancellable[] self = new Cancellable[1];
        self[0] = context.schedule(INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> {
            if (fill(source, index, add, BATCH)) {
                self[0].cancel();
            }
        });
    }

    /** Indexes up to {@code max} more source entries; true once the index is built. */
    static <V> boolean fill(KeyValueStore<String, V> source, KeyValueStore<String, String> index, Consumer<V> add, int max) {
        if (index.get(IndexKeys.BUILT) != null) {
            return true;
        }
        String resume = index.get(IndexKeys.RESUME);
        String last = null;
        int done = 0;
        boolean more = false;
        try (KeyValueIterator<String, V> it = source.range(resume, null)) {
            while (it.hasNext()) {
                KeyValue<String, V> next = it.next();
                if (next.key.equals(resume)) {
                    continue;
                }
                if (done == max) {
                    more = true;
                    break;
                }
                add.accept(next.value);
                last = next.key;
                done++;
            }
        }
        if (more) {
            index.put(IndexKeys.RESUME, last);
            return false;
        }
        if (resume != null) {
            index.delete(IndexKeys.RESUME);
        }
        index.put(IndexKeys.BUILT, "");
        return true;
    }
}
