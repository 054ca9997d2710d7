package dev.allotment.bench.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.bench.Options;
import dev.allotment.bench.core.BenchResult;
import dev.allotment.bench.core.RunResult;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both Kafka baselines for a few seconds against one broker started the way the runner starts one. */
class KafkaBaselinesSmokeTest {
    private static Broker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = Broker.connect("127.0.0.1:1", false);  // nothing answers there: a local broker is started
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    private static Options smoke(String scenario, Path out, String... more) {
        String[] base = {scenario, "--smoke", "--bootstrap", broker.bootstrap(), "--out", out.toString(),
            "--warmup", "1s", "--duration", "2s"};
        String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return Options.parse(args);
    }

    @Test
    void rawKafkaProducesAtTheOfferedRateAndUnthrottledFaster(@TempDir Path out) throws Exception {
        BenchResult r = RawKafkaBaseline.run(smoke("baseline-kafka", out, "--rate", "max,5000", "--records", "20000"));
        RunResult max = r.runs().get(0);
        RunResult paced = r.runs().get(1);
        assertTrue(max.achievedRate() > 1000, "unthrottled: " + max);
        assertEquals(5000, paced.achievedRate(), 1000, "at 5000/s: " + paced);
        assertTrue(paced.latency().p99() > 0 && paced.latency().p99() >= paced.latency().p50(), paced.latency().toString());
        assertFalse(paced.perSecond().isEmpty());
    }

    @Test
    void streamsCeilingFoldsEveryLineAndKeepsUpWithTheOfferedRate(@TempDir Path out) throws Exception {
        BenchResult r = StreamsCeilingBaseline.run(smoke("baseline-streams", out, "--rate", "max,1000", "--lines", "5000"));
        RunResult max = r.runs().get(0);
        RunResult paced = r.runs().get(1);
        assertEquals(5000, max.completed(), "the fold saw every line of the unthrottled run");
        assertTrue(max.achievedRate() > 100, max.toString());
        assertEquals(2000, paced.completed(), 100, "2 s at 1000/s: " + paced);
        // two repartition hops under exactly_once_v2 at a 50 ms commit interval: at least one commit, well under 5 s
        assertTrue(paced.latency().p50() > 20 && paced.latency().p99() < 5000, paced.latency().toString());
    }
}
