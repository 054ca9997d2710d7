package dev.allotment.streams.topology;

import dev.allotment.streams.state.GlobalPositions;
import dev.allotment.streams.state.StoreChanges;
import dev.allotment.streams.state.StoreHandles;
import dev.allotment.streams.support.DeadLetterOutlet;
import java.util.function.IntToLongFunction;

/**
 * What the topology tells, and asks of, the process it runs in: which keys' stores its processors changed (the edge's
 * waits listen), where a platform's keys belong ({@link HomePartitions}), and where a global store's loader sends its
 * dead letters, how far its copies of the global stores have read their topics ({@link GlobalPositions}), and where
 * each partition of allotment.commands ended when the process started (a SKU task's
 * {@link dev.allotment.streams.allocation.CommandsFence}; -1 where not known), and where the running tasks hand out
 * the stores the edge reads ({@link StoreHandles}).
 */
public record TopologyHooks(StoreChanges changes, HomePartitions homes, DeadLetterOutlet deadLetters,
                            GlobalPositions globals, IntToLongFunction commandsEnds, StoreHandles handles) {
    /** Hooks whose stores nobody holds. */
    public TopologyHooks(StoreChanges changes, HomePartitions homes, DeadLetterOutlet deadLetters, GlobalPositions globals,
                         IntToLongFunction commandsEnds) {
        this(changes, homes, deadLetters, globals, commandsEnds, new StoreHandles());
    }

    /** Hooks whose global positions nobody reads. */
    public TopologyHooks(StoreChanges changes, HomePartitions homes, DeadLetterOutlet deadLetters) {
        this(changes, homes, deadLetters, new GlobalPositions());
    }

    /** Hooks that do not know where allotment.commands ended at the start: no engine command is taken from it. */
    public TopologyHooks(StoreChanges changes, HomePartitions homes, DeadLetterOutlet deadLetters, GlobalPositions globals) {
        this(changes, homes, deadLetters, globals, partition -> -1);
    }

    /** No listener, every record at home, dead letters of global stores only logged: for tests of the topology alone. */
    public static TopologyHooks none() {
        return new TopologyHooks(new StoreChanges(), HomePartitions.unknown(), DeadLetterOutlet.logging());
    }
}
