package dev.allotment.bench.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.allotment.bench.core.BenchResult;
import dev.allotment.bench.core.Latency;
import dev.allotment.bench.core.RunResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Writes a result where people and programs read it: {@code <out>/results/<scenario>.json} (machine-readable),
 * {@code <out>/<scenario>.md} (the report, with every figure beside the baselines found in {@code <out>/results}) and
 * its charts under {@code <out>/img/}.
 */
public final class Report {
    static final ObjectMapper JSON = new ObjectMapper()
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .enable(SerializationFeature.INDENT_OUTPUT)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Report() {}

    /** Writes JSON, charts and Markdown; returns the Markdown file. */
    public static Path write(BenchResult result, Path out) throws IOException {
        Path results = Files.createDirectories(out.resolve("results"));
        Path img = Files.createDirectories(out.resolve("img"));
        JSON.writeValue(results.resolve(result.scenario() + ".json").toFile(), result);
        Charts.throughputOverTime(result, img.resolve(result.scenario() + "-throughput.png"));
        Charts.latencyPercentiles(result, img.resolve(result.scenario() + "-latency.png"));
        Charts.latencyVsThroughput(result, img.resolve(result.scenario() + "-curve.png"));
        Path md = out.resolve(result.scenario() + ".md");
        Files.writeString(md, markdown(result, Ratios.compare(result, readAll(results))));
        return md;
    }

    public static BenchResult read(Path json) throws IOException {
        return JSON.readValue(json.toFile(), BenchResult.class);
    }

    static List<BenchResult> readAll(Path results) throws IOException {
        List<BenchResult> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(results)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                all.add(read(f));
            }
        }
        return all;
    }

    static String markdown(BenchResult r, List<Ratios.Comparison> comparisons) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(r.scenario()).append("\n\n");
        md.append("Run at ").append(r.startedAt()).append(". Best rate: **").append(number(r.throughput()))
            .append(' ').append(r.unit()).append("/s**. Machine-readable: [`results/").append(r.scenario())
            .append(".json`](results/").append(r.scenario()).append(".json).\n\n");
        md.append("Machine: ").append(inline(r.machine())).append("\n\n");
        md.append("Parameters: ").append(inline(r.parameters())).append("\n\n");
        md.append("## Runs\n\n");
        md.append("| run | setting | offered/s | achieved/s | completed | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | other |\n");
        md.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        for (RunResult run : r.runs()) {
            Latency l = run.latency();
            md.append("| ").append(run.label()).append(" | ").append(tagText(run.tags())).append(" | ")
                .append(run.offeredRate() == null || run.offeredRate() == 0 ? "max" : number(run.offeredRate())).append(" | ")
                .append(number(run.achievedRate())).append(" | ").append(String.format(Locale.ROOT, "%,d", run.completed()))
                .append(" | ").append(ms(l.p50())).append(" | ").append(l.p90() == null ? "–" : ms(l.p90()))
                .append(" | ").append(ms(l.p99())).append(" | ").append(ms(l.p999())).append(" | ").append(ms(l.max()))
                .append(" | ").append(inline(run.extra())).append(" |\n");
        }
        md.append("\n## Beside the baselines\n\n");
        if (comparisons.isEmpty()) {
            md.append("No other baseline results in `results/` yet: run the other `baseline-*` scenarios into the same folder.\n");
        } else {
            md.append("| run | baseline | its run | figure | baseline | this | ratio |\n| --- | --- | --- | --- | ---: | ---: | ---: |\n");
            for (Ratios.Comparison c : comparisons) {
                md.append("| ").append(c.run()).append(" | ").append(c.baseline()).append(" | ").append(c.baselineRun())
                    .append(" | ").append(c.metric()).append(" | ").append(number(c.baselineValue())).append(" | ")
                    .append(number(c.subjectValue())).append(" | ").append(ratioText(c.ratio())).append(" |\n");
            }
        }
        md.append("\n## Charts\n\n");
        for (String chart : List.of("throughput", "latency", "curve")) {
            md.append("![").append(chart).append("](img/").append(r.scenario()).append('-').append(chart).append(".png)\n\n");
        }
        if (!r.notes().isEmpty()) {
            md.append("## Notes\n\n");
            r.notes().forEach(n -> md.append("- ").append(n).append('\n'));
        }
        return md.toString();
    }

    static String ratioText(double ratio) {
        return Double.isNaN(ratio) ? "–" : String.format(Locale.ROOT, "%.2f×", ratio);
    }

    static String number(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String tagText(Map<String, Object> tags) {
        return tags.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }

    private static String inline(Map<String, Object> values) {
        return values.entrySet().stream().map(e -> e.getKey() + " `" + e.getValue() + "`").collect(Collectors.joining(", "));
    }
}
