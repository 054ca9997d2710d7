package dev.allotment.services.support;

import dev.allotment.events.AllocationCancelled;
import dev.allotment.events.AllocationCompleted;
import dev.allotment.events.AllocationEvent;
import dev.allotment.events.AllocationRequested;
import dev.allotment.schemas.RegistryAvroSerdes;
import dev.allotment.schemas.RegistryUrls;
import dev.allotment.schemas.Topics;
import dev.allotment.services.audit.TopicSnapshot;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * What the committed decision log alone says is allocated (invariant 3 from the log): units put at a location by
 * AllocationRequested, minus those cancelled and completed, read read_committed from the allocation events topic.
 */
public final class DecisionLog {
    private DecisionLog() {}

    /** Units allocated per SKU at {@code location}. An allocation event that is not at a location counts by its SKU. */
    public static Map<String, Integer> allocated(Topics topics, String location) throws Exception {
        RealInfrastructure.Endpoints infra = RealInfrastructure.endpoints();
        Deserializer<AllocationEvent> decoder = new RegistryAvroSerdes(new RegistryUrls(infra.registryUrl()))
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

    /** Units of every SKU allocated at {@code location}. */
    public static int total(Topics topics, String location) throws Exception {
        return allocated(topics, location).values().stream().mapToInt(Integer::intValue).sum();
    }
}
