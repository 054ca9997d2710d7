package dev.allotment.services.engine;

import dev.allotment.streams.state.StoreChanges;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells {@link StoreChanges} when each stream thread has committed, so that the edge's waits read a store when what
 * they wait for has become readable: with transactional stores read at {@code READ_COMMITTED}, a change is readable
 * once its thread's commit has committed the producer's transaction and then the stores, not when its record is
 * processed. Kafka Streams has no commit callback; each thread's {@code commit-total} (stream-thread-metrics) counts
 * its commits, and is recorded after a commit has run every task's post-commit (Kafka Streams 4.4, {@code
 * StreamThread.runOnce}). One daemon thread reads those counters every {@value #PERIOD_MS} ms (a read of a few
 * in-memory counters) and reports each thread's count; a change is marked with its thread's count when it is made,
 * read on that thread ({@link StoreChanges#wakeAtCommits}), so a commit seen late wakes only what it committed.
 *
 * <p>A wait still reads without a signal, after 20 ms and then less often, at least every 100 ms ({@link LaterWaits}), so
 * a commit this misses (a thread replaced, a commit during a rebalance that no counter records) delays an answer by up
 * to that much, and changes nothing else. The changes of a thread whose counter is gone at a look-up (the thread replaced) are woken then.
 */
final class CommitSignal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CommitSignal.class);
    static final long PERIOD_MS = 2;
    /**
     * How often the counters are looked up again among the clients' metrics when no client's state has changed: threads
     * are replaced, added and removed in rebalances, which change it, and a look-up copies every metric of both
     * clients (thousands; 5 % of the engine's CPU samples when it ran every second), so this is a backstop only.
     */
    static final long LOOKUP_MS = 30_000;
    static final String COUNTER = "commit-total";
    static final String GROUP = "stream-thread-metrics";
    private final Supplier<Map<MetricName, ? extends Metric>> metrics;
    /** How many times a client's state has changed: the counters are looked up again when it moves. */
    private final LongSupplier stateChanges;
    private final StoreChanges changes;
    private final Thread thread;
    /** Each stream thread's commit counter, by thread name, as last looked up. */
    private volatile Map<String, Metric> counters = Map.of();
    private volatile boolean open = true;

    CommitSignal(Supplier<Map<MetricName, ? extends Metric>> metrics, LongSupplier stateChanges, StoreChanges changes,
                 String name) {
        this.metrics = metrics;
        this.stateChanges = stateChanges;
        this.changes = changes;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /** Starts signalling, and from then on changes wake their waits at commits. */
    CommitSignal start() {
        changes.wakeAtCommits(this::commitsOf);
        thread.start();
        return this;
    }

    /** Stream thread {@code name}'s commits so far; -1 while its counter is not known (below every count to come). */
    double commitsOf(String name) {
        Metric counter = counters.get(name);
        return counter != null && counter.metricValue() instanceof Number n ? n.doubleValue() : -1;
    }

    private void run() {
        long lookedUpAt = 0;
        long lookedUpIn = Long.MIN_VALUE;
        while (open) {
            try {
                long now = System.nanoTime();
                long generation = stateChanges.getAsLong();
                if (counters.isEmpty() || generation != lookedUpIn
                    || now - lookedUpAt > TimeUnit.MILLISECONDS.toNanos(LOOKUP_MS)) {
                    counters = counters(metrics.get());
                    lookedUpAt = now;
                    lookedUpIn = generation;
                    // a thread with changes awaiting a commit and no counter any more (replaced, removed) never signals
                    Set<String> gone = new HashSet<>(changes.threadsAwaitingCommit());
                    gone.removeAll(counters.keySet());
                    gone.forEach(changes::wakeAll);
                }
                for (Map.Entry<String, Metric> counter : counters.entrySet()) {
                    if (counter.getValue().metricValue() instanceof Number n) {
                        changes.committed(counter.getKey(), n.doubleValue());
                    }
                }
            } catch (RuntimeException e) {
                LOG.debug("could not read the stream threads' commit counters: {}", e.toString());
                changes.wakeAll();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(PERIOD_MS));
        }
    }

    /** Each stream thread's commit counter, by thread name (the metric's {@code thread-id}). */
    static Map<String, Metric> counters(Map<MetricName, ? extends Metric> all) {
        Map<String, Metric> found = new HashMap<>();
        all.forEach((name, metric) -> {
            String thread = name.tags().get("thread-id");
            if (COUNTER.equals(name.name()) && GROUP.equals(name.group()) && thread != null) {
                found.put(thread, metric);
            }
        });
        return found;
    }

    @Override
    public void close() {
        open = false;
        LockSupport.unpark(thread);
        try {
            thread.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        changes.wakeAll();
    }
}
