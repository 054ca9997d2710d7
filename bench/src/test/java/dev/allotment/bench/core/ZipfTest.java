package dev.allotment.bench.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ZipfTest {
    @Test
    void probabilitiesFollowOneOverRankToTheExponent() {
        Zipf zipf = new Zipf(10_000, 1.0);
        assertEquals(2.0, zipf.probability(1) / zipf.probability(2), 1e-9);
        assertEquals(10.0, zipf.probability(1) / zipf.probability(10), 1e-9);
        double harmonic = 0;
        for (int k = 1; k <= 10_000; k++) {
            harmonic += 1.0 / k;
        }
        assertEquals(1 / harmonic, zipf.probability(1), 1e-12);
    }

    @Test
    void drawsMatchTheDistribution() {
        Zipf zipf = new Zipf(10_000, 1.0);
        SplittableRandom random = new SplittableRandom(42);
        int draws = 400_000;
        int[] counts = new int[10_001];
        for (int i = 0; i < draws; i++) {
            int rank = zipf.next(random);
            assertTrue(rank >= 1 && rank <= 10_000, "rank out of range: " + rank);
            counts[rank]++;
        }
        for (int rank : new int[] {1, 2, 10, 100}) {
            double p = zipf.probability(rank);
            double sigma = Math.sqrt(draws * p * (1 - p));
            assertEquals(draws * p, counts[rank], 5 * sigma, "rank " + rank);
        }
        int top100 = 0;
        for (int k = 1; k <= 100; k++) {
            top100 += counts[k];
        }
        assertTrue(top100 > draws / 2, "with s=1 over 10,000 SKUs the top 100 take over half the draws: " + top100);
    }

    @Test
    void exponentZeroIsUniform() {
        Zipf uniform = new Zipf(4, 0.0);
        for (int k = 1; k <= 4; k++) {
            assertEquals(0.25, uniform.probability(k), 1e-12);
        }
        assertThrows(IllegalArgumentException.class, () -> new Zipf(0, 1.0));
    }
}
