package dev.allotment.streams.topology;

import dev.allotment.events.CommandOutcome;
import dev.allotment.streams.allocation.SortableDigits;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The first outcome of every command a client sent (the HTTP edge, the webhook sender, a platform on Kafka), kept for
 * {@code retention} so that a retry with the same command id is answered from it and changes nothing; then forgotten,
 * oldest first, through an index sorted by the time each one expires (no scan of the outcomes). The engine's own
 * commands (a placed order's lines, a cancellation's releases) are idempotent where they are decided and keep none.
 */
final class CommandOutcomes {
    /** The principal of the commands the engine sends itself. */
    static final String ENGINE = "engine";
    private final Supplier<Optional<RecordMetadata>> input;
    private final KeyValueStore<String, CommandOutcome> outcomes;
    private final KeyValueStore<String, String> expiries;
    private final Duration retention;
    private final Runnable kept;

    /**
     * {@code input}: the record being processed, if any (none in a punctuation); {@code kept}: told after an outcome is
     * kept (so that it is committed soon: {@link AnswerCommits}).
     */
    CommandOutcomes(Supplier<Optional<RecordMetadata>> input, KeyValueStore<String, CommandOutcome> outcomes,
                    KeyValueStore<String, String> expiries, Duration retention, Runnable kept) {
        this.input = input;
        this.outcomes = outcomes;
        this.expiries = expiries;
        this.retention = retention;
        this.kept = kept;
    }

    /** Whether the command was decided before (and is still remembered). */
    boolean seen(String commandId, String principal) {
        return commandId != null && !ENGINE.equals(principal) && outcomes.get(commandId) != null;
    }

    /** The outcome kept for {@code commandId}, if any. */
    Optional<CommandOutcome> get(String commandId) {
        return Optional.ofNullable(outcomes.get(commandId));
    }

    /**
     * Keeps {@code outcome}, decided at {@code decidedAt} (the command's record time), until the retention has passed,
     * with the input record whose processing decided it: the edge answers it once the engine has committed that record
     * (and so the outcome, in the same transaction), so that a crash cannot roll back what a client was told.
     */
    void remember(CommandOutcome outcome, String principal, Instant decidedAt) {
        if (outcome.getCommandId() == null || ENGINE.equals(principal)) {
            return;
        }
        input.get().filter(m -> m.topic() != null && m.offset() >= 0).ifPresent(m -> {
            outcome.setInputTopic(m.topic());
            outcome.setInputPartition(m.partition());
            outcome.setInputOffset(m.offset());
        });
        outcomes.put(outcome.getCommandId(), outcome);
        expiries.put(expiryKey(decidedAt.plus(retention), outcome.getCommandId()), outcome.getCommandId());
        kept.run();
    }

    /** Forgets the outcomes whose retention has passed by {@code now}, at most {@code max} of them; how many. */
    int forget(Instant now, int max) {
        List<KeyValue<String, String>> due = new ArrayList<>();
        String end = SortableDigits.padded(Math.max(0, now.toEpochMilli()), 19) + '\u0001';
        // from "", not null: with transactional state stores, Kafka Streams 4.4.0 ignores the upper bound of
        // range(null, to) and returns every key (ExpiryScanTest)
        try (KeyValueIterator<String, String> it = expiries.range("", end)) {   // keys sort by expiry time
            while (it.hasNext() && due.size() < max) {
                due.add(it.next());
            }
        }
        for (KeyValue<String, String> entry : due) {
            outcomes.delete(entry.value);
            expiries.delete(entry.key);
        }
        return due.size();
    }

    static String expiryKey(Instant expiresAt, String commandId) {
        return SortableDigits.padded(Math.max(0, expiresAt.toEpochMilli()), 19) + '\u0000' + commandId;
    }
}
