package dev.allotment.bench.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.bench.Options;
import dev.allotment.bench.core.BenchResult;
import dev.allotment.bench.core.RunResult;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both shapes for a couple of seconds on a throwaway PostgreSQL: the allocation must be exact, not only fast. */
class PostgresBaselineSmokeTest {
    @Test
    void flashSaleSellsExactlyTheStockAndSteadyOrdersNeverOversell(@TempDir Path out) throws Exception {
        BenchResult r = PostgresBaseline.run(Options.parse("baseline-postgres", "--smoke", "--out", out.toString(),
            "--warmup", "0.5s", "--duration", "2s", "--orders", "2000", "--commit", "async", "--clients", "8"));
        assertEquals(2, r.runs().size());
        RunResult flash = r.runs().get(0);
        Map<String, Object> f = flash.extra();
        assertEquals(2000, flash.completed(), "every order decided: " + flash);
        assertEquals(200L, f.get("stock"));
        assertEquals(200L, f.get("stock_allocated"), "allocated == stock: " + f);
        assertEquals(200L, f.get("allocated"));
        assertEquals(1800L, f.get("refused"));
        assertEquals(0L, f.get("oversold_rows"));
        assertEquals(0L, f.get("unbacked_rows"));
        assertTrue(flash.achievedRate() > 50, flash.toString());

        RunResult steady = r.runs().get(1);
        assertEquals("steady", steady.tags().get("shape"));
        assertTrue(steady.completed() > 50, steady.toString());
        assertEquals(0L, steady.extra().get("oversold_rows"));
        assertEquals(0L, steady.extra().get("unbacked_rows"));
        assertTrue((Long) steady.extra().get("allocated") >= steady.completed(), "every order has at least one line allocated");
    }
}
