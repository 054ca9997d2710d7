package dev.allotment.bench.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One measured run at one setting: what was offered (null = as fast as it goes), what was achieved, the latency
 * percentiles, and the completions of each second. {@code tags} name the setting (shape, clients, commit mode…)
 * and are what ratios match on; {@code extra} holds scenario-specific facts (refusals, oversell checks…).
 */
public record RunResult(
    String label,
    Map<String, Object> tags,
    Double offeredRate,
    double achievedRate,
    long completed,
    double seconds,
    Latency latency,
    List<Long> perSecond,
    Map<String, Object> extra) {

    /** A warm-up that ran this much past its time (or more) is said in {@code extra}, as {@code warmup_overrun_ms}. */
    static final long WARMUP_OVERRUN_SAID_NANOS = 100_000_000L;

    /** From a finished measurement. */
    public static RunResult of(String label, Map<String, Object> tags, Double offeredRate, Measurement m,
                               Map<String, Object> extra) {
        double seconds = m.achievedRate() == 0 ? 0 : m.measuredCompleted() / m.achievedRate();
        Map<String, Object> facts = extra;
        if (m.warmupOverrunNanos() >= WARMUP_OVERRUN_SAID_NANOS) {
            // the warm-up did not carry the rate: said, since the window's figures are of a system warmed longer
            facts = new LinkedHashMap<>(extra);
            facts.put("warmup_overrun_ms", m.warmupOverrunNanos() / 1_000_000L);
        }
        return new RunResult(label, tags, offeredRate, m.achievedRate(), m.measuredCompleted(), seconds,
            m.latency(), m.perSecond(), facts);
    }
}
