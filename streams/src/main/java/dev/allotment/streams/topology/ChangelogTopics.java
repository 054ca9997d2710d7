package dev.allotment.streams.topology;

import dev.allotment.schemas.TopicSpec;
import java.util.Map;

/**
 * The topic settings of the engine's store changelogs, on top of Kafka Streams' own ({@code cleanup.policy=compact}).
 *
 * <p>The broker compacts only closed segments, and by default a segment closes at 1 GiB or after 7 days: until then a
 * changelog keeps every update of every key, and a fresh instance (or a standby) restoring from it reads each one. The
 * stores written per decision for few keys (a SKU's stock, an order folded once per commit of its decisions) would make a
 * restore read weeks of updates where the live state is a fraction. With {@link TopicSpec#compactedSegments()} (64 MiB
 * or one hour per segment, whichever comes first, as the engine's own compacted topics) the uncompacted tail of each
 * changelog partition is at most that, and the log cleaner does the rest. {@code delete.retention.ms} stays at the
 * broker's day: an instance that comes back within it with its local state still sees every delete it missed.
 */
public final class ChangelogTopics {
    private ChangelogTopics() {}

    /** The settings every store's changelog is created with. */
    public static Map<String, String> config() {
        return TopicSpec.compactedSegments();
    }
}
