package dev.allotment.streams.support;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Records whose processing threw (a bug, or an input no check foresaw), remembered by topic, partition and offset for
 * the life of the process. The stream thread dies on such a record, its task's transaction is aborted (under
 * exactly-once nothing of it stays applied) and a new thread reads the record again: this time it goes to the dead
 * letters unprocessed, so one record can never stop the engine (DESIGN §4, invariant 7). Shared by every thread that
 * runs the topology, including the threads that replace dead ones.
 */
public final class FailedRecords {
    /** Past this many remembered failures the oldest are forgotten (each costs a few hundred bytes). */
    static final int LIMIT = 10_000;
    private final Map<String, String> failures = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > LIMIT;
        }
    });

    /** Remembers that processing the record at {@code at} threw {@code error}. */
    public void failed(RecordMetadata at, Throwable error) {
        failures.put(key(at), error.getClass().getName() + ": " + error.getMessage());
    }

    /** What processing the record at {@code at} threw before, or null; forgets it (it is dealt with now). */
    public String takeFailure(RecordMetadata at) {
        return failures.isEmpty() ? null : failures.remove(key(at));
    }

    private static String key(RecordMetadata at) {
        return at.topic() + '\u0000' + at.partition() + '\u0000' + at.offset();
    }
}
