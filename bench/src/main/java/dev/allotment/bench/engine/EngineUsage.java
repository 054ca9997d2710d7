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
        putThreadTimes(stack, extra);
        try {
            extra.put("engine_heap_used_mib", Math.round(stack.engineHeapUsed() / (1024 * 1024)));
        } catch (Exception e) {
            extra.put("engine_heap_used_mib", "unknown (" + e.getClass().getSimpleName() + ")");
        }
        long rss = stack.engineRssBytes();
        extra.put("engine_rss_mib", rss < 0 ? (Object) "unknown" : (Object) (rss / (1024 * 1024)));
    }

    /**
     * Where the stream threads' time went lately, as Kafka Streams measures it (stream-thread-metrics, over its sample
     * windows: by default the last 30 to 60 s, so about a run's window): the mean and the longest commit in ms
     * ({@code stream_commit_ms_avg}, {@code _max}) and the shares of the thread's time spent processing, committing,
     * polling and punctuating ({@code stream_process_ratio}, …). With several stream threads: the longest commit of any,
     * and the threads' mean of the rest. Nothing is added where the engine does not say.
     */
    public static void putThreadTimes(EngineStack stack, Map<String, Object> extra) {
        try {
            putThreadTimes(stack::metrics, extra);
        } catch (Exception e) {
            // the figures are facts of the run when they are there; a run is not failed for their absence
        }
    }

    /** The source of {@link #putThreadTimes(EngineStack, Map)}'s series: every value of a metric, one per thread. */
    @FunctionalInterface
    interface Series {
        java.util.List<Double> of(String prefix) throws Exception;
    }

    static void putThreadTimes(Series series, Map<String, Object> extra) throws Exception {
        putMean(extra, "stream_commit_ms_avg", series.of(THREAD + "commit_latency_avg"), 2);
        series.of(THREAD + "commit_latency_max").stream().filter(v -> !v.isNaN()).mapToDouble(Double::doubleValue).max()
            .ifPresent(v -> extra.put("stream_commit_ms_max", round(v, 1)));
        for (String share : new String[] {"process", "commit", "poll", "punctuate"}) {
            putMean(extra, "stream_" + share + "_ratio", series.of(THREAD + share + "_ratio"), 3);
        }
    }

    private static void putMean(Map<String, Object> extra, String key, java.util.List<Double> values, int decimals) {
        values.stream().filter(v -> !v.isNaN()).mapToDouble(Double::doubleValue).average()
            .ifPresent(v -> extra.put(key, round(v, decimals)));
    }

    /** The prefix of Kafka Streams' thread metrics on the engine's /prometheus (the series' tags follow the name). */
    static final String THREAD = "kafka_stream_thread_";

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
