package dev.allotment.bench.core;

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

    /** From a finished measurement. */
    public static RunResult of(String label, Map<String, Object> tags, Double offeredRate, Measurement m,
                               Map<String, Object> extra) {
        double seconds = m.achievedRate() == 0 ? 0 : m.measuredCompleted() / m.achievedRate();
        return new RunResult(label, tags, offeredRate, m.achievedRate(), m.measuredCompleted(), seconds,
            m.latency(), m.perSecond(), extra);
    }
}
