package dev.allotment.streams.topology;

import dev.allotment.streams.state.GlobalPositions;
import dev.allotment.streams.state.StoreChanges;
import dev.allotment.streams.support.DeadLetterOutlet;

/**
 * What the topology tells, and asks of, the process it runs in: which keys' stores its processors changed (the edge's
 * waits listen), where a platform's keys belong ({@link HomePartitions}), and where a global store's loader sends its
 * dead letters, and how far its copies of the global stores have read their topics ({@link GlobalPositions}).
 */
public record TopologyHooks(StoreChanges changes, HomePartitions homes, DeadLetterOutlet deadLetters,
                            GlobalPositions globals) {
    /** Hooks whose global positions nobody reads. */
    public TopologyHooks(StoreChanges changes, HomePartitions homes, DeadLetterOutlet deadLetters) {
        this(changes, homes, deadLetters, new GlobalPositions());
    }

    /** No listener, every record at home, dead letters of global stores only logged: for tests of the topology alone. */
    public static TopologyHooks none() {
        return new TopologyHooks(new StoreChanges(), HomePartitions.unknown(), DeadLetterOutlet.logging());
    }
}
