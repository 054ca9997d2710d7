package dev.allotment.services.fuzz;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a fuzz run sent and found: requests by route and status class, the problems that fail it (each with the seed and
 * the request, to reproduce it), and what it reports without failing: batches of stock adjustments refused in part with
 * other adjustments applied (docs/api.md: each adjustment is decided on its own), retries answered otherwise than the first call, 202s that did not settle.
 */
public final class FuzzReport {
    /**
     * How a request carrying the fuzz's own Idempotency-Key was first answered, and whether a repeat with the key was
     * accepted after a first answer that records nothing (docs/api.md: a 400, 401, 403 or 404 records nothing, and a
     * repeat runs the call again, against the state as it is then).
     */
    public record KeyOutcome(String route, int status, boolean partsApplied, String description, boolean acceptedOnRepeat) {
        /** Whether this first answer left the key unrecorded, so that a repeat runs the call again. */
        boolean recordsNothing() {
            return status == 400 || status == 401 || status == 403 || status == 404;
        }
    }

    private static final List<String> CLASSES = List.of("2xx", "3xx", "4xx", "5xx", "none");
    private final long seed;
    private final int requests;
    private final Map<String, Map<String, Integer>> byRoute = new TreeMap<>();
    private final Map<String, Integer> total = new LinkedHashMap<>();
    private final Map<String, Long> nanosByRoute = new TreeMap<>();
    private final List<String> problems = new ArrayList<>();
    private final List<String> partial = new ArrayList<>();
    private final List<String> retriesAnsweredOtherwise = new ArrayList<>();
    private final List<String> unsettled = new ArrayList<>();
    private final Map<String, KeyOutcome> keys = new LinkedHashMap<>();
    private int partialOnLog;
    private int traced;

    public FuzzReport(long seed, int requests) {
        this.seed = seed;
        this.requests = requests;
        CLASSES.forEach(c -> total.put(c, 0));
    }

    public void answered(int i, FuzzRequest request, RawHttp.Answer answer, long nanos) {
        nanosByRoute.merge(request.route(), nanos, Long::sum);
        String status = answer.status() < 0 ? "none" : answer.status() / 100 + "xx";
        byRoute.computeIfAbsent(request.route(), r -> new LinkedHashMap<>()).merge(status, 1, Integer::sum);
        total.merge(status, 1, Integer::sum);
        KeyOutcome first = request.ownKey() == null ? null : keys.get(request.ownKey());
        if (first != null && request.mutations().contains("retry of an earlier request")
            && statusClass(first.status()) != statusClass(answer.status())) {
            retriesAnsweredOtherwise.add("#" + i + " " + request.route() + ": first " + first.status() + ", retry " + answer.status()
                + " " + Text.shorten(answer.body(), 200));
        }
    }

    private static int statusClass(int status) {
        return status / 100;
    }

    public void problem(int i, String what, FuzzRequest request, RawHttp.Answer answer) {
        problems.add("#" + i + " " + request.route() + ": " + what + "\n" + request.describe() + "\n  answer: " + answer.status() + " "
            + Text.escape(Text.shorten(answer.body(), 500)) + (answer.failure() == null ? "" : " (" + answer.failure() + ")"));
    }

    public void stateProblems(int afterRequest, List<String> found) {
        found.forEach(p -> problems.add("state after request #" + afterRequest + ": " + p));
    }

    public void logProblems(List<String> found) {
        problems.addAll(found);
    }

    public void partial(int i, FuzzRequest request, RawHttp.Answer answer) {
        partial.add("#" + i + " " + request.route() + " answered " + answer.status() + " with parts applied: "
            + Text.escape(Text.shorten(answer.body(), 300)));
    }

    /** A refused request's decision found on the log, where the answer said parts stay applied (defect 9). */
    public void partialOnLog() {
        partialOnLog++;
    }

    /** A decision on the log whose command id carries one of the fuzz's own keys: the log check sees the fuzz's work. */
    public void traced() {
        traced++;
    }

    public void unsettled(int i, FuzzRequest request) {
        unsettled.add("#" + i + " " + request.route());
    }

    /** The first (settled) answer to a request with the fuzz's own key; retries keep the first. */
    public void keyOutcome(FuzzRequest request, int status, boolean partsApplied) {
        if (request.ownKey() != null) {
            KeyOutcome first = keys.putIfAbsent(request.ownKey(),
                new KeyOutcome(request.route(), status, partsApplied, request.describe(), false));
            if (first != null && first.recordsNothing() && status / 100 == 2) {
                keys.put(request.ownKey(), new KeyOutcome(first.route(), first.status(), first.partsApplied(),
                    first.description(), true));
            }
        }
    }

    public Map<String, KeyOutcome> keys() {
        return keys;
    }

    public List<String> problems() {
        return problems;
    }

    public String reproduce() {
        return "-Dallotment.fuzz.seed=" + seed + " -Dallotment.fuzz.requests=" + requests;
    }

    public String failureMessage() {
        StringBuilder s = new StringBuilder(problems.size() + " problems; reproduce with " + reproduce() + "\n");
        problems.stream().limit(25).forEach(p -> s.append(p).append("\n\n"));
        return s.toString();
    }

    public void print(long nanos) {
        StringBuilder s = new StringBuilder("\nHTTP fuzz: seed " + seed + " (" + reproduce() + "), " + requests + " requests in "
            + nanos / 1_000_000_000 + " s\n");
        s.append(String.format("  %-48s %6s %6s %6s %6s %6s %8s%n", "route", "2xx", "3xx", "4xx", "5xx", "none", "ms/call"));
        byRoute.forEach((route, counts) -> s.append(String.format("  %-48s %6d %6d %6d %6d %6d %8d%n", Text.shorten(route, 48),
            counts.getOrDefault("2xx", 0), counts.getOrDefault("3xx", 0), counts.getOrDefault("4xx", 0),
            counts.getOrDefault("5xx", 0), counts.getOrDefault("none", 0),
            nanosByRoute.get(route) / 1_000_000 / Math.max(1, counts.values().stream().mapToInt(Integer::intValue).sum()))));
        s.append("  summary: ").append(requests).append(" requests, ").append(byRoute.size()).append(" routes; ");
        total.forEach((c, n) -> s.append(c).append(' ').append(n).append(", "));
        s.append(problems.size()).append(" problems\n");
        s.append("  decision log: ").append(traced).append(" decisions traced to the fuzz's own Idempotency-Keys, checked against "
            + "their answers\n");
        s.append("  stock adjustment batches refused in part (each adjustment decided alone, as documented): ").append(partial.size())
            .append(", ").append(partialOnLog).append(" of their decisions on the log\n");
        partial.stream().limit(5).forEach(p -> s.append("    ").append(p).append('\n'));
        s.append("  retries answered otherwise than the first call (reported, not failed): ").append(retriesAnsweredOtherwise.size())
            .append('\n');
        retriesAnsweredOtherwise.stream().limit(10).forEach(p -> s.append("    ").append(p).append('\n'));
        s.append("  202s still pending after 10 s: ").append(unsettled.size()).append(unsettled.isEmpty() ? "" : " " + unsettled)
            .append('\n');
        System.out.println(s);
    }
}
