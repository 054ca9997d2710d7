package dev.allotment.streams.allocation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * When waiting demand is expected to be met (issue 18, item 5), as a pure function: the incoming batches of a SKU are
 * handed out, earliest expected first, to its waiting lines in service order (priority, then time placed: the order in
 * which arriving stock serves them, DESIGN §3), each line taking only batches at the locations it could be allocated
 * from. A line's promise date is the expected date of the batch that covers its last unit; a line no batch covers has
 * none, yet keeps what it took, as it would be served first when those batches arrive.
 */
public final class PromiseDates {
    private PromiseDates() {}

    /** An expected delivery at a location. */
    public record Batch(String locationId, int quantity, Instant expectedAt) {}

    /** A waiting line: the quantity still unallocated and the locations that could serve it. */
    public record Demand(int remaining, Set<String> locations) {}

    /** For each demand, in the order given (service order), its promise date, or null when no batch covers it. */
    public static List<Instant> dates(List<Demand> demands, List<Batch> batches) {
        List<Batch> byDate = new ArrayList<>(batches);
        byDate.sort(Comparator.comparing(Batch::expectedAt));   // stable: equal dates keep the given order
        long[] left = new long[byDate.size()];
        for (int i = 0; i < left.length; i++) {
            left[i] = Math.max(0, byDate.get(i).quantity());
        }
        List<Instant> dates = new ArrayList<>(demands.size());
        for (Demand demand : demands) {
            long needed = demand.remaining();
            Instant date = null;
            for (int i = 0; i < left.length && needed > 0; i++) {
                if (left[i] == 0 || !demand.locations().contains(byDate.get(i).locationId())) {
                    continue;
                }
                long take = Math.min(needed, left[i]);
                left[i] -= take;
                needed -= take;
                if (needed == 0) {
                    date = byDate.get(i).expectedAt();
                }
            }
            dates.add(demand.remaining() > 0 ? date : null);
        }
        return dates;
    }
}
