package dev.allotment.bench.kafka;

import dev.allotment.bench.Options;
import dev.allotment.bench.core.BenchResult;
import dev.allotment.bench.core.Latency;
import dev.allotment.bench.core.Machine;
import dev.allotment.bench.core.RunResult;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Baseline: what the broker takes from one idempotent producer with acks=all, records of the engine's size, measured
 * by Kafka's own ProducerPerformance (a child JVM on this runner's classpath) against the same broker.
 */
public final class RawKafkaBaseline {
    static final String TOPIC = "allotment-bench.raw-kafka";

    private RawKafkaBaseline() {}

    public static BenchResult run(Options o) throws Exception {
        String started = Instant.now().toString();
        List<RunResult> runs = new ArrayList<>();
        try (Broker broker = Broker.connect(o.bootstrap(), o.bootstrapGiven())) {
            broker.recreateTopic(TOPIC, o.partitions());
            for (double rate : o.rates("max,20000,50000", "max")) {
                runs.add(runOnce(o, broker, rate));
            }
            Map<String, Object> params = o.asParameters();
            params.put("record_size", o.recordSize());
            params.put("partitions", o.partitions());
            params.put("producer", "acks=all enable.idempotence=true, other settings Kafka's defaults (linger.ms 5)");
            params.put("broker", broker.local() ? "started by the runner (KafkaClusterTestKit, own JVM)" : broker.bootstrap());
            return new BenchResult("baseline-kafka", "records", started, params, Machine.describe(),
                BenchResult.bestRate(runs), runs, List.of(
                    "Latency is ProducerPerformance's own: send to acknowledgement, sampled, not corrected for coordinated "
                        + "omission, and it reports p95 rather than p90.",
                    "The broker, the producer and the runner share the machine's cores."));
        }
    }

    private static RunResult runOnce(Options o, Broker broker, double rate) throws Exception {
        double seconds = o.warmup().toMillis() / 1000.0 + o.duration().toMillis() / 1000.0;
        long records = rate == 0 ? o.records() : (long) (rate * seconds);
        long warmupRecords = (long) (records * (o.warmup().toMillis() / 1000.0) / seconds);
        List<String> args = new ArrayList<>(List.of("--topic", TOPIC, "--num-records", Long.toString(records),
            "--record-size", Integer.toString(o.recordSize()), "--throughput", rate == 0 ? "-1" : Long.toString((long) rate),
            "--warmup-records", Long.toString(warmupRecords), "--reporting-interval", "1000",
            "--bootstrap-server", broker.bootstrap()));
        // a secured cluster's client settings, as the tool takes them; --command-property goes over the file
        broker.configFile().ifPresent(file -> args.addAll(List.of("--command-config", file.toString())));
        args.addAll(List.of("--command-property", "acks=all", "enable.idempotence=true"));
        String label = rate == 0 ? "max" : String.format(java.util.Locale.ROOT, "%.0f/s", rate);
        System.out.println("baseline-kafka " + label + ": ProducerPerformance, " + records + " records of "
            + o.recordSize() + " bytes (" + warmupRecords + " warm-up)");
        Process p = JavaChild.builder(List.of("-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"),
            "org.apache.kafka.tools.ProducerPerformance", args).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
                System.out.println("  " + label + "  " + line);
            }
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException("ProducerPerformance exited with " + p.exitValue() + ":\n" + String.join("\n", lines));
        }
        return toRun(label, rate, ProducerPerformanceOutput.parse(lines), warmupRecords);
    }

    static RunResult toRun(String label, double rate, ProducerPerformanceOutput out, long warmupRecords) {
        ProducerPerformanceOutput.Summary s = out.measured();
        Latency latency = new Latency(s.records(), s.avgMs(), s.p50(), null, s.p99(), s.p999(), s.maxMs());
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("p95_ms", s.p95());
        extra.put("mb_per_s", s.mbPerSecond());
        return new RunResult(label, Map.of(), rate == 0 ? null : rate, s.recordsPerSecond(), s.records(),
            s.recordsPerSecond() == 0 ? 0 : s.records() / s.recordsPerSecond(), latency,
            out.measuredWindows(warmupRecords), extra);
    }
}
