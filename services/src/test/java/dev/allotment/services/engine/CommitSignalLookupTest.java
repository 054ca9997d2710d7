package dev.allotment.services.engine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.allotment.streams.state.StoreChanges;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

/**
 * The commit counters are looked up among the clients' metrics (a copy of every metric) when a client's state changes,
 * not at every period: between changes the counters found are read as they are.
 */
class CommitSignalLookupTest {
    private final AtomicInteger lookups = new AtomicInteger();
    private final AtomicLong stateChanges = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();

    private Map<MetricName, ? extends Metric> metrics() {
        lookups.incrementAndGet();
        MetricName name = new MetricName(CommitSignal.COUNTER, CommitSignal.GROUP, "", Map.of("thread-id", "t-1"));
        return Map.of(name, new Metric() {
            @Override
            public MetricName metricName() {
                return name;
            }

            @Override
            public Object metricValue() {
                return (double) commits.get();
            }
        });
    }

    @Test
    void theCountersAreLookedUpAgainWhenAClientsStateChangesAndOnlyThen() {
        try (CommitSignal signal = new CommitSignal(this::metrics, stateChanges::get, new StoreChanges(), "test-lookups")) {
            signal.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> signal.commitsOf("t-1") == 0.0);
            commits.set(3);
            await().atMost(Duration.ofSeconds(10)).until(() -> signal.commitsOf("t-1") == 3.0);
            // hundreds of periods (2 ms each), past a second with no change of state: no look-up after the first
            await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(5)).until(() -> lookups.get() == 1);

            stateChanges.incrementAndGet();   // a rebalance: threads may have been replaced
            await().atMost(Duration.ofSeconds(10)).until(() -> lookups.get() == 2);
            await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(5)).until(() -> lookups.get() == 2);
        }
        assertEquals(2, lookups.get());
    }
}
