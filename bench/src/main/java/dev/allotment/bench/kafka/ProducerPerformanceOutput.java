package dev.allotment.bench.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code org.apache.kafka.tools.ProducerPerformance} (Kafka 4.3) prints: one line per reporting window,
 * {@code N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency.}, then a summary of the whole
 * run and, with {@code --warmup-records}, one of the steady state ({@code N steady state records sent, … P ms 50th,
 * P ms 95th, P ms 99th, P ms 99.9th.}). Its latency is send → acknowledgement of each record, sampled, and not
 * corrected for coordinated omission. With a warm-up, the windows after its line {@code In steady state.} are the
 * measured ones.
 */
public record ProducerPerformanceOutput(List<Window> windows, int firstSteadyWindow, Summary total, Summary steadyState) {
    private static final String NUM = "([0-9]+(?:\\.[0-9]+)?)";
    private static final Pattern WINDOW = Pattern.compile("^([0-9]+) records sent, " + NUM + " records/sec \\(" + NUM
        + " MB/sec\\), " + NUM + " ms avg latency, " + NUM + " ms max latency\\.$");
    private static final Pattern SUMMARY = Pattern.compile("^([0-9]+)( steady state)? records sent, " + NUM
        + " records/sec \\(" + NUM + " MB/sec\\), " + NUM + " ms avg latency, " + NUM + " ms max latency, "
        + "([0-9]+) ms 50th, ([0-9]+) ms 95th, ([0-9]+) ms 99th, ([0-9]+) ms 99\\.9th\\.$");

    public record Window(long records, double recordsPerSecond, double avgMs, double maxMs) {}

    public record Summary(long records, double recordsPerSecond, double mbPerSecond, double avgMs, double maxMs,
                          long p50, long p95, long p99, long p999) {}

    public static ProducerPerformanceOutput parse(List<String> lines) {
        List<Window> windows = new ArrayList<>();
        Summary total = null;
        Summary steady = null;
        int firstSteadyWindow = -1;
        for (String raw : lines) {
            String line = raw.trim();
            if (line.equals("In steady state.")) {
                firstSteadyWindow = windows.size();
                continue;
            }
            Matcher w = WINDOW.matcher(line);
            if (w.matches()) {
                windows.add(new Window(Long.parseLong(w.group(1)), d(w.group(2)), d(w.group(4)), d(w.group(5))));
                continue;
            }
            Matcher s = SUMMARY.matcher(line);
            if (s.matches()) {
                Summary summary = new Summary(Long.parseLong(s.group(1)), d(s.group(3)), d(s.group(4)), d(s.group(5)),
                    d(s.group(6)), Long.parseLong(s.group(7)), Long.parseLong(s.group(8)), Long.parseLong(s.group(9)),
                    Long.parseLong(s.group(10)));
                if (s.group(2) != null) {
                    steady = summary;
                } else {
                    total = summary;
                }
            }
        }
        if (total == null) {
            throw new IllegalArgumentException("no ProducerPerformance summary line in its output:\n" + String.join("\n", lines));
        }
        return new ProducerPerformanceOutput(List.copyOf(windows), firstSteadyWindow, total, steady);
    }

    /** The steady-state summary when there was a warm-up, else the whole run's. */
    public Summary measured() {
        return steadyState != null ? steadyState : total;
    }

    /** Records per window of the measured part: the steady-state windows, else those after {@code warmupRecords}. */
    public List<Long> measuredWindows(long warmupRecords) {
        List<Long> series = new ArrayList<>();
        if (firstSteadyWindow >= 0) {
            windows.subList(firstSteadyWindow, windows.size()).forEach(w -> series.add(w.records()));
            return series;
        }
        long cumulative = 0;
        for (Window w : windows) {
            cumulative += w.records();
            if (cumulative > warmupRecords) {
                series.add(w.records());
            }
        }
        return series;
    }

    private static double d(String s) {
        return Double.parseDouble(s);
    }
}
