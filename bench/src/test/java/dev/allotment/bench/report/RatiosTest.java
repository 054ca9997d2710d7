package dev.allotment.bench.report;

import static dev.allotment.bench.report.ReportTest.result;
import static dev.allotment.bench.report.ReportTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.bench.core.BenchResult;
import dev.allotment.bench.core.Latency;
import dev.allotment.bench.core.RunResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RatiosTest {
    private final BenchResult postgres = result("baseline-postgres", List.of(
        run("flash c8 durable", Map.of("shape", "flash-sale", "clients", 8, "commit", "durable"), null, 2_000, 30),
        run("flash c8 async", Map.of("shape", "flash-sale", "clients", 8, "commit", "async"), null, 4_000, 20),
        run("flash c32 durable", Map.of("shape", "flash-sale", "clients", 32, "commit", "durable"), null, 2_500, 60),
        run("steady c8 durable", Map.of("shape", "steady", "clients", 8, "commit", "durable"), null, 1_000, 40)));

    @Test
    void throughputIsComparedWithRunsOfTheSameShapeAndConcurrencyOnly() {
        BenchResult engine = result("flash-sale", List.of(
            run("c8", Map.of("shape", "flash-sale", "clients", 8), null, 30_000, 50)));
        List<Ratios.Comparison> rows = Ratios.compare(engine, List.of(postgres));
        assertEquals(List.of("flash c8 durable", "flash c8 async"), rows.stream().map(Ratios.Comparison::baselineRun).toList());
        assertEquals(15.0, rows.get(0).ratio(), 1e-9);
        assertEquals(7.5, rows.get(1).ratio(), 1e-9);
    }

    @Test
    void throttledRunsCompareP99AtTheSameOfferedRate() {
        BenchResult kafka = result("baseline-kafka", List.of(run("20000/s", Map.of(), 20_000.0, 19_900, 10),
            run("50000/s", Map.of(), 50_000.0, 49_000, 40)));
        BenchResult streams = result("baseline-streams", List.of(run("20000/s", Map.of(), 20_000.0, 19_800, 180)));
        List<Ratios.Comparison> rows = Ratios.compare(streams, List.of(kafka, streams));
        assertEquals(1, rows.size(), rows.toString());
        assertEquals("p99 ms at 20000/s", rows.get(0).metric());
        assertEquals(18.0, rows.get(0).ratio(), 1e-9);
    }

    private static RunResult runWith(String label, Map<String, Object> tags, Double rate, double achieved, double p99,
                                 Map<String, Object> extra) {
        return new RunResult(label, tags, rate, achieved, (long) achieved * 10, 10,
            new Latency((long) achieved * 10, 1, 1, 1.0, p99, p99, p99), List.of(), extra);
    }

    private static BenchResult resultIn(String scenario, String unit, List<RunResult> runs) {
        return new BenchResult(scenario, unit, "2026-11-25T00:00:00Z", Map.of(), Map.of(), BenchResult.bestRate(runs), runs, List.of());
    }

    @Test
    void steadyMeetsTheStreamsCeilingAtItsCommitIntervalAndPostgresSteadyInLines() {
        BenchResult streams = resultIn("baseline-streams", "lines", List.of(
            runWith("max", Map.of(), null, 40_000, 900, Map.of("commit_interval_ms", 50)),
            runWith("5000/s", Map.of(), 5000.0, 5_000, 150, Map.of("commit_interval_ms", 50))));
        BenchResult streams200 = resultIn("baseline-streams", "lines", List.of(
            runWith("max", Map.of(), null, 60_000, 2000, Map.of("commit_interval_ms", 200))));
        BenchResult kafka = resultIn("baseline-kafka", "records", List.of(runWith("max", Map.of(), null, 200_000, 50, Map.of())));
        BenchResult postgres = resultIn("baseline-postgres", "transactions", List.of(
            runWith("flash c8", Map.of("shape", "flash-sale", "clients", 8, "commit", "durable"), null, 2_000, 30, Map.of()),
            runWith("steady c8", Map.of("shape", "steady", "clients", 8, "commit", "durable"), null, 1_000, 40,
                Map.of("lines_per_s", 3_000)),
            runWith("steady c8 5000/s", Map.of("shape", "steady", "clients", 8, "commit", "durable"), 5000.0, 1_000, 40,
                Map.of("lines_per_s", 3_000))));
        BenchResult flash = resultIn("flash-sale", "decisions", List.of(runWith("c8 max", Map.of("shape", "flash-sale", "clients", 8),
            null, 30_000, 50, Map.of())));
        BenchResult steady = resultIn("steady", "lines", List.of(
            runWith("ci50 max", Map.of("shape", "steady", "commit_interval_ms", 50), null, 12_000, 400, Map.of("commit_interval_ms", 50)),
            runWith("ci50 5000/s", Map.of("shape", "steady", "commit_interval_ms", 50), 5000.0, 5_000, 300, Map.of())));

        List<Ratios.Comparison> rows = Ratios.compare(steady, List.of(streams, streams200, kafka, postgres, flash));
        assertEquals(List.of(
                "ci50 max baseline-streams max throughput/s 0.30",
                "ci50 5000/s baseline-streams 5000/s p99 ms at 5000/s 2.00",
                "ci50 max baseline-kafka max throughput/s 0.06",
                "ci50 max baseline-postgres steady c8 lines/s 4.00"),
            rows.stream().map(r -> String.join(" ", r.run(), r.baseline(), r.baselineRun(), r.metric(),
                String.format(java.util.Locale.ROOT, "%.2f", r.ratio()))).toList());
    }

    @Test
    void flashSaleIsMeasuredAgainstPostgresFlashSalesOnlyAndBaselinesAgainstBaselinesOnly() {
        BenchResult streams = resultIn("baseline-streams", "lines", List.of(runWith("max", Map.of(), null, 40_000, 900, Map.of())));
        BenchResult flash = resultIn("flash-sale", "decisions", List.of(
            runWith("ci50 c8 max", Map.of("shape", "flash-sale", "commit_interval_ms", 50, "clients", 8), null, 30_000, 50, Map.of()),
            runWith("ci50 c32 max", Map.of("shape", "flash-sale", "commit_interval_ms", 50, "clients", 32), null, 25_000, 50, Map.of())));
        List<Ratios.Comparison> rows = Ratios.compare(flash, List.of(streams, postgres));
        assertEquals(List.of("flash c8 durable", "flash c8 async", "flash c32 durable"),
            rows.stream().map(Ratios.Comparison::baselineRun).toList());
        assertEquals(10.0, rows.get(2).ratio(), 1e-9);
        assertEquals(List.of(), Ratios.compare(streams, List.of(flash)), "an engine result is no baseline");
        assertEquals(1, Ratios.compare(streams, List.of(postgres, flash)).stream().map(Ratios.Comparison::baseline).distinct().count());
    }

    @Test
    void runsTaggedBaselineNoneAreComparedWithNothing() {
        BenchResult kafka = result("baseline-kafka", List.of(run("max", Map.of(), null, 400_000, 10),
            run("1000/s", Map.of(), 1_000.0, 1_000, 2)));
        BenchResult queries = result("queries", List.of(
            run("load", Map.of("phase", "load"), null, 9_000, 300),
            run("order 1000/s c16", Map.of("query", "order", "clients", 16, "baseline", "none"), 1_000.0, 1_000, 3),
            run("stock-location max c1", Map.of("query", "stock-location", "clients", 1, "baseline", "none"), null, 80, 12)));
        List<Ratios.Comparison> rows = Ratios.compare(queries, List.of(kafka));
        assertEquals(List.of("load"), rows.stream().map(Ratios.Comparison::run).toList());
        // nor is such a run a baseline for another scenario's runs
        BenchResult steady = result("steady", List.of(run("1000/s", Map.of(), 1_000.0, 1_000, 30)));
        assertTrue(Ratios.compare(steady, List.of(queries)).isEmpty());
    }

    @Test
    void aZeroBaselineGivesNoRatio() {
        assertTrue(Double.isNaN(Ratios.ratio(5, 0)));
        assertEquals(0.5, Ratios.ratio(5, 10), 1e-12);
        assertEquals("–", Report.ratioText(Double.NaN));
        assertEquals("2.50×", Report.ratioText(2.5));
    }
}
