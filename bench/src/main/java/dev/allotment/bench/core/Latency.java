package dev.allotment.bench.core;

import org.HdrHistogram.AbstractHistogram;

/** Latency percentiles in milliseconds; {@code p90} is null when the source does not report it (ProducerPerformance). */
public record Latency(long count, double mean, double p50, Double p90, double p99, double p999, double max) {

    /** From a histogram of microseconds. */
    public static Latency of(AbstractHistogram micros) {
        if (micros.getTotalCount() == 0) {
            return new Latency(0, 0, 0, 0.0, 0, 0, 0);
        }
        return new Latency(micros.getTotalCount(), micros.getMean() / 1000.0,
            ms(micros, 50), ms(micros, 90), ms(micros, 99), ms(micros, 99.9), micros.getMaxValue() / 1000.0);
    }

    private static double ms(AbstractHistogram micros, double percentile) {
        return micros.getValueAtPercentile(percentile) / 1000.0;
    }
}
