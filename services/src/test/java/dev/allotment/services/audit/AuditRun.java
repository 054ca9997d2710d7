package dev.allotment.services.audit;

import dev.allotment.schemas.AvroSerdes;
import dev.allotment.schemas.Topics;
import dev.allotment.services.engine.KafkaConnection;
import java.util.List;

/** The audit ({@code ./allotment audit}) for tests outside its package. Run it on a quiet engine. */
public final class AuditRun {
    private AuditRun() {}

    /** What it found (empty: nothing differs) and its summary line. */
    public record Result(List<String> differences, String summary) {}

    public static Result of(String bootstrap, Topics topics, AvroSerdes serdes, String httpBase, String adminKey) {
        return of(KafkaConnection.of(bootstrap, null, java.util.Map.of()), topics, serdes, httpBase, adminKey);
    }

    /** The same through {@code kafka}'s settings, as {@code ./allotment audit --command-config FILE} reads a secured cluster. */
    public static Result of(KafkaConnection kafka, Topics topics, AvroSerdes serdes, String httpBase, String adminKey) {
        Audit audit = new Audit(EngineLogs.read(kafka, topics, serdes), new LiveEngine(httpBase, adminKey));
        List<String> differences = audit.run();
        return new Result(differences, audit.summary());
    }
}
