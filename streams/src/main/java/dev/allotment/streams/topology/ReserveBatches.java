package dev.allotment.streams.topology;

import dev.allotment.events.LineToReserve;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * An order's lines as the records that carry them to their SKUs' partitions: one record per partition of
 * allotment.engine-commands the lines' SKUs share (a ReserveLines), not one per line (issue 19: a record costs its
 * encoding, its produce and its transaction's share, and a 500-line order made 500). Lines keep their order, and so do the
 * partitions (in the order of their first line). Where the partition of a SKU is unknown (a test driver), each line is
 * its own record.
 */
final class ReserveBatches {
    private ReserveBatches() {}

    static List<List<LineToReserve>> byPartition(List<LineToReserve> lines, ToIntFunction<String> partitionOf) {
        Map<Integer, List<LineToReserve>> batches = new LinkedHashMap<>();
        List<List<LineToReserve>> out = new ArrayList<>();
        for (LineToReserve line : lines) {
            int partition = partitionOf.applyAsInt(line.getReserve().getSku());
            if (partition < 0) {
                out.add(List.of(line));
            } else {
                batches.computeIfAbsent(partition, p -> {
                    List<LineToReserve> batch = new ArrayList<>();
                    out.add(batch);
                    return batch;
                }).add(line);
            }
        }
        return out;
    }
}
