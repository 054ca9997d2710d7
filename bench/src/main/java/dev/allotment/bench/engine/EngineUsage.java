package dev.allotment.bench.engine;

import java.time.Duration;
import java.util.Map;

/**
 * The engine's CPU time and its stream threads' commits over a run (from {@link #mark()} to {@link #putInto}), and its
 * memory at the end, as facts of the run. Under exactly-once each commit is a transaction with a price of its own
 * (flushing the stores, committing offsets and the transaction), so the lines a commit carries say how far that price
 * is spread: a run whose commits carried fewer lines paid it more often.
 */
public final class EngineUsage {
    /** Kafka Streams' {@code commit-total} of each stream thread, as the engine's /prometheus names it. */
    static final String COMMITS = "kafka_stream_thread_commit_total";
    private final EngineStack stack;
    private Duration cpuAtMark;
    private double commitsAtMark = Double.NaN;

    public EngineUsage(EngineStack stack) {
        this.stack = stack;
        mark();
    }

    /** Starts counting CPU time from now. */
    public void mark() {
        cpuAtMark = stack.engineCpu();
        commitsAtMark = commits();
    }

    /** CPU seconds since the mark, CPU milliseconds per 1,000 {@code unit} ({@code count} of them), heap in use and RSS now. */
    public void putInto(Map<String, Object> extra, String unit, long count) {
        Duration now = stack.engineCpu();
        if (now != null && cpuAtMark != null) {
            double ms = now.minus(cpuAtMark).toNanos() / 1e6;
            extra.put("engine_cpu_s", round(ms / 1000, 2));
            if (count > 0) {
                extra.put("engine_cpu_ms_per_1000_" + unit, round(ms * 1000 / count, 1));
            }
        }
        double total = commits();
        double commits = total - commitsAtMark;
        // none counted at all (the page without the metric), or fewer than at the mark (a stream thread replaced took
        // its counter with it): not known
        if (total > 0 && commits >= 0) {
            extra.put("engine_commits", Math.round(commits));
            if (commits > 0) {
                extra.put(unit + "_per_commit", round(count / commits, 1));
            }
        }
        try {
            extra.put("engine_heap_used_mib", Math.round(stack.engineHeapUsed() / (1024 * 1024)));
        } catch (Exception e) {
            extra.put("engine_heap_used_mib", "unknown (" + e.getClass().getSimpleName() + ")");
        }
        long rss = stack.engineRssBytes();
        extra.put("engine_rss_mib", rss < 0 ? (Object) "unknown" : (Object) (rss / (1024 * 1024)));
    }

    /** The stream threads' commits so far (every thread's summed); NaN when the engine does not say. */
    private double commits() {
        try {
            return stack.metric(COMMITS);
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    static double round(double v, int decimals) {
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
    }
}
