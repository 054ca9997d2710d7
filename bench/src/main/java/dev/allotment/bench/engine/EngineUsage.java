package dev.allotment.bench.engine;

import java.time.Duration;
import java.util.Map;

/** The engine's CPU time over a run (from {@link #mark()} to {@link #putInto}) and its memory at the end, as facts of the run. */
public final class EngineUsage {
    private final EngineStack stack;
    private Duration cpuAtMark;

    public EngineUsage(EngineStack stack) {
        this.stack = stack;
        mark();
    }

    /** Starts counting CPU time from now. */
    public void mark() {
        cpuAtMark = stack.engineCpu();
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
        try {
            extra.put("engine_heap_used_mib", Math.round(stack.engineHeapUsed() / (1024 * 1024)));
        } catch (Exception e) {
            extra.put("engine_heap_used_mib", "unknown (" + e.getClass().getSimpleName() + ")");
        }
        long rss = stack.engineRssBytes();
        extra.put("engine_rss_mib", rss < 0 ? (Object) "unknown" : (Object) (rss / (1024 * 1024)));
    }

    static double round(double v, int decimals) {
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
    }
}
