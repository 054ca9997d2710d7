package dev.allotment.bench.report;

import dev.allotment.bench.core.BenchResult;
import dev.allotment.bench.core.RunResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Puts a result beside the baselines: each unthrottled run's throughput against every comparable unthrottled
 * baseline run, and each throttled run's p99 against baseline runs offered the same rate.
 *
 * <ul>
 * <li>Which results are baselines: for an engine scenario, the ones it is measured against ({@link #AGAINST}); for any
 *     other scenario, every {@code baseline-*} result but itself.</li>
 * <li>Runs are comparable when they agree on every setting both name. A setting is a tag, or, where a run does not
 *     carry it as a tag, a fact of the same name in its {@code extra} (baseline-streams records its commit interval
 *     there). Settings only one side names are ignored.</li>
 * <li>Throughput is compared in the subject's unit. When the baseline counts something else but records the
 *     subject's unit as {@code <unit>_per_s} (baseline-postgres's steady shape counts orders and records
 *     {@code lines_per_s}), that figure is used; its offered rates are then in another unit, so such a run is not
 *     matched by offered rate.</li>
 * <li>A run tagged {@code baseline=none} (an HTTP query, a restore: nothing any baseline measures) is compared with
 *     nothing.</li>
 * </ul>
 */
public final class Ratios {
    /** The baselines each engine scenario is measured against. */
    static final Map<String, Set<String>> AGAINST = Map.of(
        "steady", Set.of("baseline-streams", "baseline-kafka", "baseline-postgres"),
        "flash-sale", Set.of("baseline-postgres"));

    private Ratios() {}

    /** One row of the comparison; {@code ratio} is subject / baseline (NaN when the baseline is 0). */
    public record Comparison(String run, String baseline, String baselineRun, String metric,
                             double baselineValue, double subjectValue, double ratio) {}

    public static List<Comparison> compare(BenchResult subject, List<BenchResult> results) {
        List<Comparison> rows = new ArrayList<>();
        for (BenchResult baseline : results) {
            if (!isBaselineOf(subject.scenario(), baseline.scenario())) {
                continue;
            }
            String perSecond = subject.unit() + "_per_s";
            for (RunResult s : subject.runs()) {
                for (RunResult b : baseline.runs()) {
                    if (!comparable(s, b)) {
                        continue;
                    }
                    boolean converted = !subject.unit().equals(baseline.unit()) && b.extra().get(perSecond) instanceof Number;
                    if (unthrottled(s) && unthrottled(b)) {
                        double figure = converted ? ((Number) b.extra().get(perSecond)).doubleValue() : b.achievedRate();
                        rows.add(row(s, baseline, b, converted ? subject.unit() + "/s" : "throughput/s", figure, s.achievedRate()));
                    } else if (!converted && !unthrottled(s) && Objects.equals(s.offeredRate(), b.offeredRate())) {
                        rows.add(row(s, baseline, b, "p99 ms at " + Math.round(s.offeredRate()) + "/s",
                            b.latency().p99(), s.latency().p99()));
                    }
                }
            }
        }
        return rows;
    }

    static boolean isBaselineOf(String subject, String candidate) {
        if (candidate.equals(subject)) {
            return false;
        }
        Set<String> against = AGAINST.get(subject);
        return against != null ? against.contains(candidate) : candidate.startsWith("baseline-");
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
        for (String key : union(a.tags().keySet(), b.tags().keySet())) {
            Object mine = setting(a, key);
            Object other = setting(b, key);
            if (mine != null && other != null && !String.valueOf(mine).equals(String.valueOf(other))) {
                return false;
            }
        }
        return true;
    }

    private static Object setting(RunResult run, String key) {
        Object tag = run.tags().get(key);
        return tag != null ? tag : run.extra() == null ? null : run.extra().get(key);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.LinkedHashSet<>(a);
        all.addAll(b);
        return all;
    }

    /** Tagged {@code baseline=none}: measures something no baseline does. */
    static boolean standalone(RunResult run) {
        return "none".equals(String.valueOf(run.tags().get("baseline")));
    }

    private static Comparison row(RunResult s, BenchResult baseline, RunResult b, String metric, double bv, double sv) {
        return new Comparison(s.label(), baseline.scenario(), b.label(), metric, bv, sv, ratio(sv, bv));
    }
}
