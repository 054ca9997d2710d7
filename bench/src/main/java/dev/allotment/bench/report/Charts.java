package dev.allotment.bench.report;

import dev.allotment.bench.core.BenchResult;
import dev.allotment.bench.core.Latency;
import dev.allotment.bench.core.RunResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The three PNG charts of a report: throughput over time, latency percentiles, latency against throughput. */
final class Charts {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 480;
    private static final List<String> PERCENTILES = List.of("p50", "p90", "p99", "p99.9", "max");

    private Charts() {}

    static void throughputOverTime(BenchResult result, Path png) throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(result.scenario() + ": throughput per second")
            .xAxisTitle("second of the measured window").yAxisTitle(result.unit() + "/s").build();
        for (RunResult run : result.runs()) {
            if (run.perSecond().isEmpty()) {
                continue;
            }
            double[] x = IntStream.rangeClosed(1, run.perSecond().size()).asDoubleStream().toArray();
            double[] y = run.perSecond().stream().mapToDouble(Long::doubleValue).toArray();
            chart.addSeries(run.label(), x, y).setMarker(SeriesMarkers.NONE);
        }
        save(chart, png);
    }

    static void latencyPercentiles(BenchResult result, Path png) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(result.scenario() + ": latency percentiles")
            .xAxisTitle("percentile").yAxisTitle("ms").build();
        for (RunResult run : result.runs()) {
            Latency l = run.latency();
            // a percentile the source does not report (ProducerPerformance's p90) is drawn as 0
            List<Double> values = List.of(l.p50(), l.p90() == null ? 0.0 : l.p90(), l.p99(), l.p999(), l.max());
            chart.addSeries(run.label(), PERCENTILES, values);
        }
        save(chart, png);
    }

    static void latencyVsThroughput(BenchResult result, Path png) throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(result.scenario() + ": latency against throughput")
            .xAxisTitle(result.unit() + "/s achieved").yAxisTitle("ms").build();
        chart.getStyler().setYAxisLogarithmic(true);
        for (Map.Entry<String, List<RunResult>> group : bySetting(result.runs()).entrySet()) {
            List<RunResult> runs = new ArrayList<>(group.getValue());
            runs.sort(Comparator.comparingDouble(RunResult::achievedRate));
            double[] x = runs.stream().mapToDouble(RunResult::achievedRate).toArray();
            String prefix = group.getKey().isEmpty() ? "" : group.getKey() + " ";
            chart.addSeries(prefix + "p50", x, runs.stream().mapToDouble(r -> Math.max(r.latency().p50(), 0.001)).toArray());
            chart.addSeries(prefix + "p99", x, runs.stream().mapToDouble(r -> Math.max(r.latency().p99(), 0.001)).toArray());
        }
        save(chart, png);
    }

    /** Runs grouped by their tags, so one curve is one setting across offered rates. */
    static Map<String, List<RunResult>> bySetting(List<RunResult> runs) {
        Map<String, List<RunResult>> groups = new LinkedHashMap<>();
        for (RunResult run : runs) {
            groups.computeIfAbsent(Report.tagText(run.tags()), k -> new ArrayList<>()).add(run);
        }
        return groups;
    }

    private static void save(Chart<?, ?> chart, Path png) throws IOException {
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
