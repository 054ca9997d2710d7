package dev.allotment.bench.report;

import static dev.allotment.bench.report.ReportTest.result;
import static dev.allotment.bench.report.ReportTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.bench.core.BenchResult;
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
