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

    /** Commands from outside the engine: the REST edge's, one record per accepted command (DESIGN §2). */
    public String commands() { return prefix + "commands"; }

    /**
     * Commands the engine sends itself, inside its own transactions: an order's lines for their SKUs' partitions
     * ({@code ReserveLines}, {@code ReleaseOrder}, …), a group's parts, votes and decisions, a sharded SKU's messages.
     * Co-partitioned with {@link #commands()} and read by the same SKU tasks. Apart because a {@code read_committed}
     * reader stops at a partition's first record of an open transaction: on one topic, every edge command would wait
     * behind the engine's transaction on its partition until that committed.
     */
    public String engineCommands() { return prefix + "engine-commands"; }

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
            new TopicSpec(engineCommands(), partitions, false),
            TopicSpec.keptForever(allocationEvents(), partitions),
            new TopicSpec(orderProjections(), partitions, true),
            new TopicSpec(stockLevels(), partitions, true, TopicSpec.CHURNING_SEGMENT_BYTES),
            new TopicSpec(deadLetters(), 1, false));
    }
}
