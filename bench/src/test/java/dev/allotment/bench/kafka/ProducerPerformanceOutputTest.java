package dev.allotment.bench.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.allotment.bench.core.RunResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProducerPerformanceOutputTest {
    // as printed by Kafka 4.3.1's ProducerPerformance with --warmup-records 20000 --reporting-interval 1000
    private static final List<String> OUTPUT = List.of(
        "Warmup first 20000 records. Steady state results will print after the complete test summary.",
        "In steady state.",
        "19922 records sent, 19783.5 records/sec (2.26 MB/sec), 18.3 ms avg latency, 90.0 ms max latency.",
        "20060 records sent, 20020.0 records/sec (2.29 MB/sec), 46.7 ms avg latency, 237.0 ms max latency.",
        "20018 records sent, 20010.0 records/sec (2.29 MB/sec), 12.1 ms avg latency, 50.0 ms max latency.",
        "60000 records sent, 19756.338492 records/sec (2.26 MB/sec), 43.73 ms avg latency, 341.00 ms max latency, "
            + "20 ms 50th, 187 ms 95th, 213 ms 99th, 237 ms 99.9th.",
        "40000 steady state records sent, 19455.252918 records/sec (2.23 MB/sec), 32.56 ms avg latency, "
            + "237.00 ms max latency, 9 ms 50th, 174 ms 95th, 224 ms 99th, 237 ms 99.9th.");

    @Test
    void parsesWindowsTotalAndSteadyState() {
        ProducerPerformanceOutput out = ProducerPerformanceOutput.parse(OUTPUT);
        assertEquals(3, out.windows().size());
        assertEquals(60000, out.total().records());
        assertEquals(40000, out.measured().records());
        assertEquals(19455.252918, out.measured().recordsPerSecond(), 1e-6);
        assertEquals(224, out.measured().p99());
        assertEquals(List.of(19922L, 20060L, 20018L), out.measuredWindows(20000), "the windows after 'In steady state.'");
        ProducerPerformanceOutput unmarked = ProducerPerformanceOutput.parse(OUTPUT.subList(1, OUTPUT.size()).stream()
            .filter(l -> !l.equals("In steady state.")).toList());
        assertEquals(List.of(20060L, 20018L), unmarked.measuredWindows(20000), "without the marker: after the warm-up records");
    }

    @Test
    void becomesARunWithoutP90() {
        RunResult run = RawKafkaBaseline.toRun("20000/s", 20000, ProducerPerformanceOutput.parse(OUTPUT), 20000);
        assertEquals(20000.0, run.offeredRate());
        assertEquals(9.0, run.latency().p50());
        assertNull(run.latency().p90());
        assertEquals(237.0, run.latency().p999());
        assertEquals(174L, run.extra().get("p95_ms"));
    }

    @Test
    void outputWithoutASummaryIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> ProducerPerformanceOutput.parse(List.of("oops")));
    }
}
