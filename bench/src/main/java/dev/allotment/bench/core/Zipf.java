package dev.allotment.bench.core;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Zipf popularity over ranks 1..n: rank k is drawn with probability proportional to 1/k^s (s = 1 is the classic
 * "the second SKU sells half as often as the first"). Sampling is a binary search in the precomputed cumulative
 * distribution, so each draw costs O(log n) and the generator is exact for any s >= 0.
 */
public final class Zipf {
    private final double[] cumulative;

    public Zipf(int n, double exponent) {
        if (n < 1 || exponent < 0) {
            throw new IllegalArgumentException("Zipf needs n >= 1 and exponent >= 0, got n=" + n + " s=" + exponent);
        }
        cumulative = new double[n];
        double sum = 0;
        for (int k = 1; k <= n; k++) {
            sum += 1.0 / Math.pow(k, exponent);
            cumulative[k - 1] = sum;
        }
        for (int i = 0; i < n; i++) {
            cumulative[i] /= sum;
        }
        cumulative[n - 1] = 1.0;
    }

    /** A rank in 1..n. */
    public int next(RandomGenerator random) {
        int i = Arrays.binarySearch(cumulative, random.nextDouble());
        return (i >= 0 ? i : -i - 1) + 1;
    }

    /** The probability of rank k (1-based). */
    public double probability(int k) {
        return cumulative[k - 1] - (k == 1 ? 0 : cumulative[k - 2]);
    }

    public int size() {
        return cumulative.length;
    }
}
