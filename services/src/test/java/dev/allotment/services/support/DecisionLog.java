package dev.allotment.services.support;

import dev.allotment.events.AllocationCancelled;
import dev.allotment.events.AllocationCompleted;
import dev.allotment.events.AllocationEvent;
import dev.allotment.events.AllocationRequested;
import dev.allotment.schemas.RegistryAvroSerdes;
import dev.allotment.schemas.RegistryConnection;
import dev.allotment.schemas.Topics;
import dev.allotment.services.audit.TopicSnapshot;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * What the committed decision log alone says, read read_committed from the allocation events topic: what is allocated
 * by direct allocations (invariant 3 from the log: units put at a location by AllocationRequested, minus those
 * cancelled and completed; requests that time out, are rejected or outdated are the audit's to replay), and which
 * decisions an order has.
 */
public final class DecisionLog {
    private DecisionLog() {}

    /** Units allocated per SKU at {@code location}. An allocation event that is not at a location counts by its SKU. */
    public static Map<String, Integer> allocated(Topics topics, String location) throws Exception {
        RealInfrastructure.Endpoints infra = RealInfrastructure.endpoints();
        Deserializer<AllocationEvent> decoder = new RegistryAvroSerdes(RegistryConnection.of(infra.registryUrl()))
            .value(AllocationEvent.class).deserializer();
        Map<String, Integer> allocated = new HashMap<>();
        Map<String, String> locationOf = new HashMap<>();
        for (var r : TopicSnapshot.read(infra.bootstrapServers(), topics.allocationEvents()).records()) {
            Object p = decoder.deserialize(topics.allocationEvents(), r.value()).getPayload();
            if (p instanceof AllocationRequested q) {
                locationOf.put(q.getAllocationId(), q.getLocationId());
                if (q.getLocationId().equals(location)) {
                    q.getLines().forEach(l -> allocated.merge(l.getSku(), l.getQuantity(), Integer::sum));
                }
            } else if (p instanceof AllocationCancelled c && location.equals(locationOf.get(c.getAllocationId()))) {
                c.getLines().forEach(l -> allocated.merge(l.getSku(), -l.getQuantity(), Integer::sum));
            } else if (p instanceof AllocationCompleted c && location.equals(locationOf.get(c.getAllocationId()))) {
                c.getLines().forEach(l -> allocated.merge(l.getSku(), -l.getQuantity(), Integer::sum));
            }
        }
        return allocated;
    }

    /** How many events of each kind (the payload's type, e.g. {@code AllocationTimedOut}) the log holds for an order. */
    public static Map<String, Integer> kinds(Topics topics, String orderId) throws Exception {
        return kinds(topics, orderId, false);
    }

    /** The same, counting what open and aborted transactions wrote too: every decision made, committed or not. */
    public static Map<String, Integer> kindsWritten(Topics topics, String orderId) throws Exception {
        return kinds(topics, orderId, true);
    }

    private static Map<String, Integer> kinds(Topics topics, String orderId, boolean uncommitted) throws Exception {
        RealInfrastructure.Endpoints infra = RealInfrastructure.endpoints();
        Deserializer<AllocationEvent> decoder = new RegistryAvroSerdes(RegistryConnection.of(infra.registryUrl()))
            .value(AllocationEvent.class).deserializer();
        Map<String, Integer> kinds = new HashMap<>();
        TopicSnapshot log = uncommitted ? TopicSnapshot.readUncommitted(infra.bootstrapServers(), topics.allocationEvents())
            : TopicSnapshot.read(infra.bootstrapServers(), topics.allocationEvents());
        for (var r : log.records()) {
            AllocationEvent e = decoder.deserialize(topics.allocationEvents(), r.value());
            if (orderId.equals(e.getOrderId())) {
                kinds.merge(e.getPayload().getClass().getSimpleName(), 1, Integer::sum);
            }
        }
        return kinds;
    }

    /** Units of every SKU allocated at {@code location}. */
    public static int total(Topics topics, String location) throws Exception {
        return allocated(topics, location).values().stream().mapToInt(Integer::intValue).sum();
    }
}
