package dev.allotment.bench;

import dev.allotment.bench.core.BenchResult;
import dev.allotment.bench.engine.FlashSaleScenario;
import dev.allotment.bench.engine.SteadyScenario;
import dev.allotment.bench.engine.EdgeScenario;
import dev.allotment.bench.engine.QueriesScenario;
import dev.allotment.bench.engine.RestoreScenario;
import dev.allotment.bench.kafka.RawKafkaBaseline;
import dev.allotment.bench.kafka.StreamsCeilingBaseline;
import dev.allotment.bench.postgres.PostgresBaseline;
import dev.allotment.bench.report.Report;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark runner: {@code java -jar bench/target/allotment-bench.jar <scenario> [options]}. Runs one scenario,
 * prints progress every second, and writes its JSON result, Markdown report and charts (see docs/benchmarks/README.md).
 */
public final class Bench {
    /** Each scenario: what it measures, and how. */
    interface Scenario {
        BenchResult run(Options options) throws Exception;
    }

    static final Map<String, Scenario> SCENARIOS = Map.of(
        "baseline-kafka", RawKafkaBaseline::run,
        "baseline-streams", StreamsCeilingBaseline::run,
        "baseline-postgres", PostgresBaseline::run,
        "steady", SteadyScenario::run,
        "flash-sale", FlashSaleScenario::run,
        "edge", EdgeScenario::run,
        "queries", QueriesScenario::run,
        "restore", RestoreScenario::run);

    private Bench() {}

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        // Kafka warns while it creates internal topics and while Streams tidies its state directory: noise here
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka.clients.NetworkClient", "error");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka.streams.processor.internals.StateDirectory", "error");
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
            usage();
            return;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            usage();
            System.exit(2);
            return;
        }
        try {
            Path report = run(options);
            System.out.println("report: " + report.toAbsolutePath());
            System.exit(0);  // Kafka's and JDBC's non-daemon threads must not keep a finished run alive
        } catch (Exception e) {
            System.err.println("bench: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** Runs the scenario and writes its report; returns the Markdown file. */
    public static Path run(Options options) throws Exception {
        Scenario scenario = SCENARIOS.get(options.scenario());
        if (scenario == null) {
            throw new IllegalArgumentException("unknown scenario " + options.scenario());
        }
        BenchResult result = scenario.run(options);
        System.out.printf(Locale.ROOT, "%s: best %,.0f %s/s%n", result.scenario(), result.throughput(), result.unit());
        return Report.write(result, options.out());
    }

    private static void usage() {
        System.err.println("usage: java -jar bench/target/allotment-bench.jar <scenario> [options]\n\nscenarios:");
        SCENARIOS.keySet().stream().sorted().forEach(s -> System.err.println("  " + s));
        System.err.println("\noptions:");
        Options.HELP.forEach((k, v) -> System.err.printf(Locale.ROOT, "  --%-16s %s%n", k, v));
    }
}
