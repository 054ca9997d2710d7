package dev.allotment.bench.core;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Everything one invocation of a scenario measured, as written to JSON and rendered to Markdown. */
public record BenchResult(
    String scenario,
    String unit,
    String startedAt,
    Map<String, Object> parameters,
    Map<String, Object> machine,
    double throughput,
    List<RunResult> runs,
    List<String> notes) {

    /** The headline: the best rate any run achieved. */
    public static double bestRate(List<RunResult> runs) {
        return runs.stream().map(RunResult::achievedRate).max(Comparator.naturalOrder()).orElse(0.0);
    }
}
