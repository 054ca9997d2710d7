package dev.allotment.streams.allocation;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one input decided: events for the decision log (by order), the locations whose stock changed, and the messages
 * of a hot SKU's shard protocol ({@link ShardTransfers}) to send to other shards of the SKU.
 */
public final class Decisions {
    /** One decision event for an order's log. */
    public record Decided(String orderId, Object payload) {}

    /** A shard protocol message (ShardGrant, ShardWant, ShardRecall, ShardReturn) for the shard of key {@code to}. */
    public record ShardMessage(String to, Object payload) {}

    private final List<Decided> events = new ArrayList<>();
    private final List<ShardMessage> shardMessages = new ArrayList<>();
    private final Set<String> changedLocations = new LinkedHashSet<>();

    void decided(String orderId, Object payload) {
        events.add(new Decided(orderId, payload));
    }

    void stockChanged(String locationId) {
        changedLocations.add(locationId);
    }

    void send(String to, Object payload) {
        shardMessages.add(new ShardMessage(to, payload));
    }

    /** The shard messages to send, in the order they were decided (keyed by {@link ShardMessage#to}). */
    public List<ShardMessage> shardMessages() {
        return shardMessages;
    }

    public List<Decided> events() {
        return events;
    }

    public Set<String> changedLocations() {
        return changedLocations;
    }
}
