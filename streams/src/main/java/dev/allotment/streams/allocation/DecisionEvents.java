package dev.allotment.streams.allocation;

import dev.allotment.events.RequestLineState;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * What the decision events ({@code allotment.allocation-events} payloads) say about allocations, read alike by every
 * reader. Every decision about an allocation names it in a field {@code allocation_id}, and every decision that sets
 * the states of a request's lines carries them in {@code states} (allocation-events.avsc), so both are read by name.
 */
public final class DecisionEvents {
    private DecisionEvents() {}

    /** The allocation (or allocation request) a decision names; null for one that names none. */
    public static String allocationIdOf(Object payload) {
        return (String) field(payload, "allocation_id");
    }

    /** The states of a request's lines that a decision sets (empty for one that sets none). */
    @SuppressWarnings("unchecked")
    public static List<RequestLineState> statesOf(Object payload) {
        Object states = field(payload, "states");
        return states == null ? List.of() : (List<RequestLineState>) states;
    }

    /** The reason a supplier's rejection of a request logs (AllocationRejected), from the reason the supplier gave. */
    public static String rejectionReason(String supplierReason) {
        return supplierReason == null || supplierReason.isBlank() ? "rejected" : "rejected: " + supplierReason;
    }

    private static Object field(Object payload, String name) {
        if (payload instanceof SpecificRecord record) {
            Schema.Field field = record.getSchema().getField(name);
            return field == null ? null : record.get(field.pos());
        }
        return null;
    }
}
