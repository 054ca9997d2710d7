package dev.allotment.services.fault;

import dev.allotment.events.AllocatedLine;
import dev.allotment.events.AllocationCompleted;
import dev.allotment.events.AllocationConfirmed;
import dev.allotment.events.AllocationEvent;
import dev.allotment.events.AllocationRejected;
import dev.allotment.events.AllocationRequested;
import dev.allotment.events.ReservationCancelled;
import dev.allotment.events.ReservationCreated;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * "Every 2xx had exactly one effect", from the committed decision log alone: an order answered 2xx has one
 * ReservationCreated, a cancellation one ReservationCancelled, a manual allocation one AllocationRequested under its
 * allocation id (derived from the order and the Idempotency-Key), a completion one AllocationCompleted, a supplier's
 * answer one AllocationConfirmed or AllocationRejected per command; a write answered 4xx has none of these under its
 * key; and no decision is in the log twice.
 */
final class EffectChecks {
    private final List<AllocationEvent> log;
    private final Map<String, List<AllocationEvent>> byKey = new HashMap<>();
    private final Map<String, List<AllocationEvent>> byOrder = new HashMap<>();
    private final List<String> failures = new ArrayList<>();
    /** Stock adjustment batches refused in part with other adjustments applied (each adjustment is decided alone). */
    private final List<String> partial = new ArrayList<>();

    EffectChecks(List<AllocationEvent> log) {
        this.log = log;
        for (AllocationEvent e : log) {
            byOrder.computeIfAbsent(e.getOrderId(), k -> new ArrayList<>()).add(e);
            if (e.getCommandId() != null) {
                // command ids are <caller>~<key>:<part>; the clients' keys have neither '~' nor ':'
                String id = e.getCommandId();
                String scope = id.contains(":") ? id.substring(0, id.indexOf(':')) : id;
                byKey.computeIfAbsent(scope.substring(scope.lastIndexOf('~') + 1), k -> new ArrayList<>()).add(e);
            }
        }
    }

    List<String> check(Expected expected) {
        Map<String, Integer> eventIds = new HashMap<>();
        log.forEach(e -> eventIds.merge(e.getEventId(), 1, Integer::sum));
        eventIds.forEach((id, n) -> expect(n == 1, "decision " + id + " is in the log " + n + " times"));
        expected.placed.keySet().forEach(id -> expect(count(byOrder.get(id), p -> p instanceof ReservationCreated) == 1,
            "order " + id + " (2xx) has " + count(byOrder.get(id), p -> p instanceof ReservationCreated) + " ReservationCreated"));
        expected.cancelled.forEach(id -> expect(count(byOrder.get(id), p -> p instanceof ReservationCancelled) == 1,
            "cancellation of " + id + " (2xx) has " + count(byOrder.get(id), p -> p instanceof ReservationCancelled)
                + " ReservationCancelled"));
        expected.allocations.values().forEach(this::manual);
        expected.completions.values().forEach(c -> {
            long n = count(byKey.get(c.key()), p -> p instanceof AllocationCompleted d && d.getAllocationId().equals(c.allocationId()));
            expect(n == 1, "completion " + c.key() + " of " + c.allocationId() + " (2xx) has " + n + " AllocationCompleted");
        });
        expected.answers.forEach(this::answer);
        expected.refused.forEach(this::refused);
        return failures;
    }

    /**
     * A write answered 4xx applied nothing. A command over several SKUs is all or nothing (DESIGN §4 invariant 8, issue
     * 15 defect 9): one whose answer names parts it accepted fails the run. A batch of stock adjustments is decided per
     * adjustment (docs/api.md), so one refused in part is counted ({@link #partial()}), not failed.
     */
    private void refused(String key, String what) {
        long n = count(byKey.get(key), p -> p instanceof AllocationRequested || p instanceof AllocationCompleted
            || p instanceof AllocationConfirmed || p instanceof AllocationRejected || p instanceof ReservationCancelled);
        if (n > 0 && what.contains("\"accepted\":true") && what.contains("/stock/adjustments")) {
            partial.add("a stock adjustment batch refused in part (" + n + " decisions under key " + key + "): " + what);
        } else if (n > 0 && what.contains("\"accepted\":true")) {
            failures.add("invariant 8 (a command is all or nothing) broken: a command refused in part stays applied in part ("
                + n + " decisions under key " + key + "): " + what);
        } else {
            expect(n == 0, "a write answered 4xx left " + n + " decisions under its key " + key + " (did a retry get another answer "
                + "than its first attempt?): " + what);
        }
    }

    /** The stock adjustment batches applied in part, each described; filled by {@link #check}. */
    List<String> partial() {
        return partial;
    }

    private void manual(Expected.Manual m) {
        List<AllocationEvent> requested = (byKey.get(m.key()) == null ? List.<AllocationEvent>of() : byKey.get(m.key())).stream()
            .filter(e -> e.getPayload() instanceof AllocationRequested r && r.getAllocationId().equals(m.allocationId())).toList();
        expect(requested.size() == 1, "manual allocation " + m.key() + " (2xx) has " + requested.size() + " AllocationRequested "
            + m.allocationId());
        for (AllocationEvent e : requested) {
            AllocationRequested r = (AllocationRequested) e.getPayload();
            int quantity = r.getLines().stream().mapToInt(AllocatedLine::getQuantity).sum();
            expect(r.getLocationId().equals(m.location()) && quantity == m.quantity(), "manual allocation " + m.key() + " asked "
                + m.quantity() + " at " + m.location() + ", the log has " + quantity + " at " + r.getLocationId());
        }
    }

    /** At most one confirmation (or rejection) per command of the answer; one at least when the answer said it applied. */
    private void answer(Expected.Answer a) {
        Predicate<Object> decision = a.verb().equals("reject")
            ? p -> p instanceof AllocationRejected r && (a.allocationId() == null || r.getAllocationId().equals(a.allocationId()))
            : p -> p instanceof AllocationConfirmed c && (a.verb().equals("crux") || c.getAllocationId().equals(a.allocationId()));
        Map<String, Integer> perCommand = new HashMap<>();
        for (AllocationEvent e : byKey.getOrDefault(a.key(), List.of())) {
            if (decision.test(e.getPayload())) {
                perCommand.merge(e.getCommandId(), 1, Integer::sum);
            }
        }
        perCommand.forEach((command, n) -> expect(n == 1, a.verb() + " " + command + " (2xx) is in the log " + n + " times"));
        boolean needed = a.verb().equals("crux") ? a.allocated() : true;
        boolean anywhere = perCommand.size() > 0 || (!a.verb().equals("crux") && log.stream()
            .filter(e -> e.getOrderId().equals(a.orderId())).anyMatch(e -> decision.test(e.getPayload())));
        expect(!needed || anywhere, a.verb() + " " + a.key() + " of " + a.allocationId() + " (2xx) has no "
            + (a.verb().equals("reject") ? "AllocationRejected" : "AllocationConfirmed") + " in the log");
    }

    private static long count(List<AllocationEvent> events, Predicate<Object> payload) {
        return events == null ? 0 : events.stream().filter(e -> payload.test(e.getPayload())).count();
    }

    private void expect(boolean holds, String failure) {
        if (!holds) {
            failures.add(failure);
        }
    }
}
