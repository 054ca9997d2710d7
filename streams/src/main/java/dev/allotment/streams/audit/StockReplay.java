package dev.allotment.streams.audit;

import dev.allotment.events.HoldPlaced;
import dev.allotment.events.HoldReleased;
import dev.allotment.events.IncomingSet;
import dev.allotment.events.StockAdjusted;
import dev.allotment.events.StockSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the stock events and the decision log say is physically at each place: counts (StockSet) and adjustments
 * (StockAdjusted) as the SKU's partition applied them, less what completions took out while the location tracked stock
 * (the engine leaves an untracked location's physical quantity as counted: what it ships is not counted stock).
 *
 * <p>Adjustments and completions add up in any order, so where a place was counted only before its first completion
 * the result is exact. A count taken while completions went on depends on which the SKU's partition applied first, and
 * the log does not say; nor does it say which side of a completion the engine saw a location's switch of tracking
 * when the two came close. Such a place is reported as not recomputable ({@link #exact}) rather than guessed at.
 */
public final class StockReplay {
    /** How far apart in time a count and a completion must be for their order to be certain. */
    static final Duration MARGIN = Duration.ofSeconds(10);

    /** One applied stock event: a count ({@code setTo}) or an adjustment ({@code delta}). */
    private record Change(Instant at, Long setTo, long delta) {}

    /** Stock events per place, in the order the SKU's partition applied them (its partition's order). */
    private final Map<DecisionReplay.At, List<Change>> stock = new HashMap<>();
    private final Map<DecisionReplay.At, List<DecisionReplay.Completion>> completions = new HashMap<>();
    /** Per location, whether it tracks stock from each time on, in log order (a location never described tracks). */
    private final Map<String, List<Tracking>> tracking = new HashMap<>();

    private record Tracking(Instant from, boolean tracks) {}

    /** A location's description as the location events gave it, at {@code at}: whether it tracks stock from then on. */
    public void located(String locationId, boolean tracksStock, Instant at) {
        tracking.computeIfAbsent(locationId, k -> new ArrayList<>()).add(new Tracking(at, tracksStock));
    }

    private boolean tracksAt(String locationId, Instant at) {
        boolean tracks = true;
        for (Tracking t : tracking.getOrDefault(locationId, List.of())) {
            if (!t.from().isAfter(at)) {
                tracks = t.tracks();
            }
        }
        return tracks;
    }

    /** A stock change the SKU's partition applied (not refused, not a repeat of a command it had seen), in partition order. */
    public void applied(Object change, Instant at) {
        if (change instanceof StockSet set) {
            stock(set.getSku(), set.getLocationId()).add(new Change(at, (long) set.getPhysical(), 0));
        } else if (change instanceof StockAdjusted adjusted) {
            stock(adjusted.getSku(), adjusted.getLocationId()).add(new Change(at, null, adjusted.getDelta()));
        } else if (!(change instanceof IncomingSet || change instanceof HoldPlaced || change instanceof HoldReleased)) {
            // incoming stock and cart holds change no physical quantity
            throw new IllegalArgumentException("not a stock change: " + change.getClass().getSimpleName());
        }
    }

    private List<Change> stock(String sku, String locationId) {
        return stock.computeIfAbsent(new DecisionReplay.At(sku, locationId), k -> new ArrayList<>());
    }

    /** Completions from the decision log: each took its quantity out of its place. */
    public void completed(List<DecisionReplay.Completion> done) {
        done.forEach(c -> completions.computeIfAbsent(c.at(), k -> new ArrayList<>()).add(c));
    }

    /** Every place the log says something about. */
    public Set<DecisionReplay.At> places() {
        Set<DecisionReplay.At> places = new HashSet<>(stock.keySet());
        places.addAll(completions.keySet());
        return places;
    }

    /**
     * The physical quantity at the place: its last count, every adjustment after it, less the completions after it made
     * while its location tracked stock.
     */
    public long physical(DecisionReplay.At at) {
        List<Change> changes = stock.getOrDefault(at, List.of());
        int lastCount = -1;
        for (int i = 0; i < changes.size(); i++) {
            if (changes.get(i).setTo() != null) {
                lastCount = i;
            }
        }
        long physical = lastCount < 0 ? 0 : changes.get(lastCount).setTo();
        for (int i = lastCount + 1; i < changes.size(); i++) {
            physical += changes.get(i).delta();
        }
        Instant countedAt = lastCount < 0 ? null : changes.get(lastCount).at();
        for (DecisionReplay.Completion c : completions.getOrDefault(at, List.of())) {
            if ((countedAt == null || c.occurredAt().isAfter(countedAt)) && tracksAt(at.locationId(), c.occurredAt())) {
                physical -= c.quantity();
            }
        }
        return physical;
    }

    /**
     * Whether {@link #physical} is certain: every count at the place came well before its first completion, and no
     * switch of its location's tracking came near a completion there.
     */
    public boolean exact(DecisionReplay.At at) {
        List<DecisionReplay.Completion> done = completions.getOrDefault(at, List.of());
        Instant firstCompletion = done.stream().map(DecisionReplay.Completion::occurredAt).min(Comparator.naturalOrder()).orElse(null);
        if (firstCompletion == null) {
            return true;
        }
        List<Tracking> switches = tracking.getOrDefault(at.locationId(), List.of());
        boolean switchNearCompletion = done.stream().anyMatch(c -> switches.stream()
            .anyMatch(t -> Duration.between(t.from(), c.occurredAt()).abs().compareTo(MARGIN) < 0));
        return !switchNearCompletion && stock.getOrDefault(at, List.of()).stream().filter(c -> c.setTo() != null)
            .allMatch(c -> c.at().plus(MARGIN).isBefore(firstCompletion));
    }
}
