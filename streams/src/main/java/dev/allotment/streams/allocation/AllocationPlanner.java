package dev.allotment.streams.allocation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Where a line's unallocated quantity goes (DESIGN §3), as pure functions: the preferred location
 * first (the highest-ranked one that could fill the whole order), then direct locations before confirm
 * locations, each in rank order; split across them as far as stock allows. Untracked locations have
 * no limit.
 */
public final class AllocationPlanner {
    private AllocationPlanner() {}

    /** The order in which the routing's locations are tried. */
    public static List<Site> candidates(List<Site> routing, String preferred) {
        List<Site> ordered = new ArrayList<>(routing.size());
        routing.stream().filter(s -> s.id().equals(preferred)).findFirst().ifPresent(ordered::add);
        routing.stream().filter(s -> s.direct() && !ordered.contains(s)).forEach(ordered::add);
        routing.stream().filter(s -> !s.direct() && !ordered.contains(s)).forEach(ordered::add);
        return ordered;
    }

    /** Picks filling as much of {@code wanted} as {@code available} allows, in candidate order. */
    public static List<Pick> plan(int wanted, List<Site> candidates, ToIntFunction<String> available) {
        List<Pick> picks = new ArrayList<>();
        int remaining = wanted;
        for (Site site : candidates) {
            if (remaining <= 0) {
                break;
            }
            int take = site.tracksStock() ? Math.min(remaining, Math.max(0, available.applyAsInt(site.id()))) : remaining;
            if (take > 0) {
                picks.add(new Pick(site, take));
                remaining -= take;
            }
        }
        return picks;
    }

    /**
     * The highest-ranked location (direct before confirm) that could fill every line of an order on its
     * own, from a possibly stale view of stock: {@code needs} is SKU to quantity, {@code available}
     * answers (SKU, location). Null when none can.
     */
    public static String wholeOrderLocation(List<Site> routing, Map<String, Long> needs,
                                            AvailableAt available) {
        for (Site site : candidates(routing, null)) {
            boolean fills = !site.tracksStock() || needs.entrySet().stream()
                .allMatch(n -> available.available(n.getKey(), site.id()) >= n.getValue());
            if (fills) {
                return site.id();
            }
        }
        return null;
    }

    /** Available quantity of a SKU at a location. */
    @FunctionalInterface
    public interface AvailableAt {
        int available(String sku, String locationId);
    }
}
