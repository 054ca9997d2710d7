package dev.allotment.schemas;

import java.util.List;
import java.util.Objects;

/**
 * The one catalogue of the engine's topic names (DESIGN §2), immutable and instance-based so that tests
 * and several deployments can use other prefixes; no other class spells a topic name.
 */
public final class Topics {
    public static final String DEFAULT_PREFIX = "allotment.";

    private final String prefix;

    private Topics(String prefix) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
    }

    public static Topics withPrefix(String prefix) {
        return new Topics(prefix);
    }

    public static Topics defaults() {
        return new Topics(DEFAULT_PREFIX);
    }

    public String prefix() { return prefix; }

    public String orderEvents() { return prefix + "order-events"; }

    public String stockEvents() { return prefix + "stock-events"; }

    public String locationEvents() { return prefix + "location-events"; }

    public String commands() { return prefix + "commands"; }

    public String allocationEvents() { return prefix + "allocation-events"; }

    public String orderProjections() { return prefix + "order-projections"; }

    public String stockLevels() { return prefix + "stock-levels"; }

    public String deadLetters() { return prefix + "dead-letters"; }

    /**
     * Every topic the engine creates, with the given partition count (location events: one partition, compacted). The
     * decision log is kept forever: the order histories point into it.
     */
    public List<TopicSpec> specs(int partitions) {
        return List.of(
            new TopicSpec(orderEvents(), partitions, false),
            new TopicSpec(stockEvents(), partitions, false),
            new TopicSpec(locationEvents(), 1, true),
            new TopicSpec(commands(), partitions, false),
            TopicSpec.keptForever(allocationEvents(), partitions),
            new TopicSpec(orderProjections(), partitions, true),
            new TopicSpec(stockLevels(), partitions, true, TopicSpec.CHURNING_SEGMENT_BYTES),
            new TopicSpec(deadLetters(), 1, false));
    }
}
