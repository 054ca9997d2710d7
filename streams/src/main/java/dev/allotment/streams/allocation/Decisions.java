package dev.allotment.streams.allocation;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What one input decided: events for the decision log (by order) and the locations whose stock changed. */
public final class Decisions {
    /** One decision event for an order's log. */
    public record Decided(String orderId, Object payload) {}

    private final List<Decided> events = new ArrayList<>();
    private final Set<String> changedLocations = new LinkedHashSet<>();

    void decided(String orderId, Object payload) {
        events.add(new Decided(orderId, payload));
    }

    void stockChanged(String locationId) {
        changedLocations.add(locationId);
    }

    public List<Decided> events() {
        return events;
    }

    public Set<String> changedLocations() {
        return changedLocations;
    }
}
