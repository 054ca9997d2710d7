package dev.allotment.services.audit;

import dev.allotment.events.AllocationEvent;
import dev.allotment.schemas.AvroSerdes;
import dev.allotment.schemas.Topics;
import dev.allotment.streams.audit.DecisionReplay;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The audit and the engine's decision log, for tests outside this package (the HTTP fuzz). */
public final class AuditProbe {
    private AuditProbe() {}

    /** One record of the decision log: its key (the order id), command id and the type of its decision. */
    public record Decision(String orderId, String commandId, String type) {}

    /** Units a completion took out of a place, and when it was decided. */
    public record Completion(String sku, String locationId, long quantity, Instant at) {}

    /** What the audit found (empty on a quiet, sound engine), and its summary line last. */
    public static List<String> audit(String bootstrap, Topics topics, AvroSerdes serdes, String httpBase, String adminKey) {
        Audit audit = new Audit(EngineLogs.read(bootstrap, topics, serdes), new LiveEngine(httpBase, adminKey));
        List<String> found = new ArrayList<>(audit.run());
        found.add(audit.summary());
        return found;
    }

    /** Every record of the decision log that decodes, in partition and offset order. */
    public static List<Decision> decisions(String bootstrap, Topics topics, AvroSerdes serdes) {
        TopicSnapshot log = TopicSnapshot.read(bootstrap, topics.allocationEvents());
        List<Decision> decisions = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : log.records()) {
            try {
                AllocationEvent e = serdes.value(AllocationEvent.class).deserializer().deserialize(log.topic(), r.value());
                decisions.add(new Decision(r.key() == null ? e.getOrderId() : new String(r.key(), StandardCharsets.UTF_8),
                    e.getCommandId(), e.getPayload().getClass().getSimpleName()));
            } catch (RuntimeException undecodable) {
                decisions.add(new Decision(r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), null, "undecodable"));
            }
        }
        return decisions;
    }

    /** Every completion on the decision log, with the place it took stock from. */
    public static List<Completion> completions(String bootstrap, Topics topics, AvroSerdes serdes) {
        List<Completion> done = new ArrayList<>();
        for (DecisionReplay.Completion c : EngineLogs.read(bootstrap, topics, serdes).decisions.completions()) {
            done.add(new Completion(c.at().sku(), c.at().locationId(), c.quantity(), c.occurredAt()));
        }
        return done;
    }
}
