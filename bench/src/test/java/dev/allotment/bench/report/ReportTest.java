package dev.allotment.bench.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.bench.core.BenchResult;
import dev.allotment.bench.core.Latency;
import dev.allotment.bench.core.RunResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
    static RunResult run(String label, Map<String, Object> tags, Double rate, double achieved, double p99) {
        return new RunResult(label, tags, rate, achieved, (long) achieved * 10, 10,
            new Latency((long) achieved * 10, 1.5, 1.0, rate == null ? null : 2.0, p99, p99 * 2, p99 * 3),
            List.of(90L, 110L, 100L), Map.of("oversold_rows", 0));
    }

    static BenchResult result(String scenario, List<RunResult> runs) {
        return new BenchResult(scenario, "lines", "2026-11-25T00:00:00Z", Map.of("duration", "PT10S"),
            Map.of("cpu_model", "test cpu"), BenchResult.bestRate(runs), runs, List.of("a note"));
    }

    @Test
    void writesJsonThatReadsBackAndAMarkdownReportWithChartsAndRatios(@TempDir Path out) throws Exception {
        Report.write(result("baseline-kafka", List.of(run("max", Map.of(), null, 50_000, 400))), out);
        BenchResult streams = result("baseline-streams",
            List.of(run("max", Map.of(), null, 10_000, 900), run("5000/s", Map.of(), 5000.0, 4_990, 150)));
        Path md = Report.write(streams, out);

        BenchResult back = Report.read(out.resolve("results/baseline-streams.json"));
        assertEquals(streams, back);
        String json = Files.readString(out.resolve("results/baseline-streams.json"));
        assertTrue(json.contains("\"achieved_rate\"") && json.contains("\"per_second\"") && json.contains("\"p999\""), json);

        String text = Files.readString(md);
        assertTrue(text.contains("| 5000/s |  | 5,000 | 4,990 |"), text);
        assertTrue(text.contains("| max | baseline-kafka | max | throughput/s | 50,000 | 10,000 | 0.20× |"), text);
        assertTrue(text.contains("![curve](img/baseline-streams-curve.png)"), text);
        byte[] pngMagic = {(byte) 0x89, 'P', 'N', 'G'};
        for (String chart : List.of("throughput", "latency", "curve")) {
            byte[] png = Files.readAllBytes(out.resolve("img/baseline-streams-" + chart + ".png"));
            assertArrayEquals(pngMagic, Arrays.copyOf(png, 4), chart);
        }
    }

    @Test
    void aSourceWithoutP90IsShownAsMissing() {
        String md = Report.markdown(result("baseline-kafka", List.of(run("max", Map.of(), null, 1000, 5))), List.of());
        assertTrue(md.contains("| 1.00 | – | 5.00 |"), md);
        assertTrue(md.contains("No other baseline results"), md);
        assertNull(run("max", Map.of(), null, 1, 1).latency().p90());
    }
}
