package dev.allotment.streams.support;

import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a processor that cannot forward sends its dead letters: the loaders of global stores, whose updates are not
 * part of any task's transaction. The engine gives a producer of its own to {@code allotment.dead-letters}. A global
 * store that is rebuilt from its topic runs its loader again, so a letter may be sent again after such a restore; its
 * headers name the record's topic, partition and offset, which identify it.
 */
@FunctionalInterface
public interface DeadLetterOutlet {
    /** Sends the letter (key, value and headers as built by {@link DeadLetters#of}); must not throw. */
    void send(Record<byte[], byte[]> letter);

    /** An outlet that only logs: for topologies built without one (tests that do not look at global dead letters). */
    static DeadLetterOutlet logging() {
        Logger log = LoggerFactory.getLogger(DeadLetterOutlet.class);
        return letter -> log.error("dead letter with no outlet to send it to: {}",
            DeadLetters.header(letter.headers(), DeadLetters.REASON));
    }
}
