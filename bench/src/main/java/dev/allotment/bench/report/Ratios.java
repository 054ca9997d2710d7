package dev.allotment.bench.report;

import dev.allotment.bench.core.BenchResult;
import dev.allotment.bench.core.RunResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Puts a result beside the baselines: each unthrottled run's throughput against every comparable unthrottled
 * baseline run, and each throttled run's p99 against baseline runs offered the same rate. Runs are comparable when
 * they agree on every tag both carry (same shape, same number of clients…); tags only one side has are ignored. A run
 * tagged {@code baseline=none} (an HTTP query, a restore: nothing any baseline measures) is compared with nothing.
 */
public final class Ratios {
    private Ratios() {}

    /** One row of the comparison; {@code ratio} is subject / baseline (NaN when the baseline is 0). */
    public record Comparison(String run, String baseline, String baselineRun, String metric,
                             double baselineValue, double subjectValue, double ratio) {}

    public static List<Comparison> compare(BenchResult subject, List<BenchResult> baselines) {
        List<Comparison> rows = new ArrayList<>();
        for (BenchResult baseline : baselines) {
            if (baseline.scenario().equals(subject.scenario())) {
                continue;
            }
            for (RunResult s : subject.runs()) {
                for (RunResult b : baseline.runs()) {
                    if (!comparable(s, b)) {
                        continue;
                    }
                    if (unthrottled(s) && unthrottled(b)) {
                        rows.add(row(s, baseline, b, "throughput/s", b.achievedRate(), s.achievedRate()));
                    } else if (!unthrottled(s) && Objects.equals(s.offeredRate(), b.offeredRate())) {
                        rows.add(row(s, baseline, b, "p99 ms at " + Math.round(s.offeredRate()) + "/s",
                            b.latency().p99(), s.latency().p99()));
                    }
                }
            }
        }
        return rows;
    }

    /** subject / baseline, or NaN when there is no baseline figure to divide by. */
    public static double ratio(double subject, double baseline) {
        return baseline == 0 ? Double.NaN : subject / baseline;
    }

    static boolean unthrottled(RunResult run) {
        return run.offeredRate() == null || run.offeredRate() == 0;
    }

    static boolean comparable(RunResult a, RunResult b) {
        if (standalone(a) || standalone(b)) {
            return false;
        }
        for (Map.Entry<String, Object> tag : a.tags().entrySet()) {
            Object other = b.tags().get(tag.getKey());
            if (other != null && !String.valueOf(other).equals(String.valueOf(tag.getValue()))) {
                return false;
            }
        }
        return true;
    }

    /** Tagged {@code baseline=none}: measures something no baseline does. */
    static boolean standalone(RunResult run) {
        return "none".equals(String.valueOf(run.tags().get("baseline")));
    }

    private static Comparison row(RunResult s, BenchResult baseline, RunResult b, String metric, double bv, double sv) {
        return new Comparison(s.label(), baseline.scenario(), b.label(), metric, bv, sv, ratio(sv, bv));
    }
}
