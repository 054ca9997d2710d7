package dev.allotment.services.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which transactions left open on a partition stop the engine, and which of them Kafka will never end (a hanging
 * transaction). A read_committed consumer, Kafka Streams' restore included, reads a partition only up to its last
 * stable offset, the start of its oldest open transaction: while one stays open, nothing after it is processed, and a
 * store restoring from that changelog never finishes. Kafka ends a transaction at its timeout through its coordinator;
 * one the coordinator no longer holds for that partition (seen here once after a broker SIGKILL) stays open for good,
 * and only an operator's abort ({@code kafka-transactions.sh abort}) ends it. The rule mirrors Kafka's own
 * {@code kafka-transactions.sh find-hanging}: open longer than a bound, and the coordinator has no transaction of that
 * producer in progress over the partition.
 */
public final class OpenTransactions {
    private OpenTransactions() {}

    /** A transaction open on one partition, as the partition's leader tells it. */
    public record Open(String topic, int partition, long producerId, int producerEpoch, long startOffset,
                       long lastWriteMs, int coordinatorEpoch) {
        String partitionName() {
            return topic + "-" + partition;
        }
    }

    /**
     * A producer's transaction as its coordinator tells it: the id it was begun under, the producer's epoch there, the
     * transaction's state and the partitions it spans.
     */
    public record Coordinated(String transactionalId, long producerId, int producerEpoch, String state, Set<String> partitions) {
        /**
         * Whether the coordinator will still end this transaction on {@code open}'s partition: it is in progress or being
         * committed, aborted or fenced (a fence aborts it) over that partition.
         */
        boolean ends(Open open) {
            return producerId == open.producerId()
                && (state.equals("ONGOING") || state.startsWith("PREPARE_"))
                && partitions.contains(open.partitionName());
        }
    }

    /** An open transaction older than the bound: hanging when no coordinator will end it. */
    public record Finding(Open open, long openForMs, Optional<Coordinated> coordinator, boolean hanging) {
        /**
         * Whether this hanging transaction is one its coordinator already ended and whose marker never came: the producer's
         * epoch there is past the records' (a coordinator bumps it as it ends a transaction, under transactions version 2
         * each time, and when it fences one). Kafka drops a transaction's markers when it finds its partitions without a
         * leader as it sends them, after a crash of their only replica (Apache's KAFKA-20734,
         * docs/upstream/kafka-transaction-split-after-broker-kill.md); the transaction may have been committed, so
         * aborting it may discard what its producer was told was committed. A hanging transaction of the producer's
         * current epoch is the other kind: a write its coordinator never counted in.
         */
        public boolean markersLost() {
            return hanging && coordinator.filter(c -> c.producerId() == open.producerId()
                && c.producerEpoch() > open.producerEpoch()).isPresent();
        }
    }

    /**
     * The transactions of {@code open} whose last write is more than {@code afterMs} before {@code nowMs}, oldest first,
     * each judged against what the coordinators hold for its producer ({@code coordinated}, by producer id; a producer
     * the coordinators do not list is absent).
     */
    public static List<Finding> judge(List<Open> open, Map<Long, Coordinated> coordinated, long nowMs, long afterMs) {
        List<Finding> findings = new ArrayList<>();
        for (Open o : open) {
            long age = nowMs - o.lastWriteMs();
            if (age <= afterMs) {
                continue;
            }
            Optional<Coordinated> coordinator = Optional.ofNullable(coordinated.get(o.producerId()));
            findings.add(new Finding(o, age, coordinator, coordinator.map(c -> !c.ends(o)).orElse(true)));
        }
        findings.sort(Comparator.comparingLong(Finding::openForMs).reversed()
            .thenComparing(f -> f.open().partitionName()));
        return findings;
    }

    /** The operator's command that aborts a hanging transaction (Kafka's own tool, run where Kafka is installed). */
    public static String abortCommand(String bootstrapServers, Open open) {
        return "kafka-transactions.sh --bootstrap-server " + bootstrapServers + " abort --topic " + open.topic()
            + " --partition " + open.partition() + " --start-offset " + open.startOffset();
    }
}
