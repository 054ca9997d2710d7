package dev.allotment.services.fault;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/** Every write call the clients made: its final status, and how often it was sent again before that (and why). */
final class Tally {
    private final Map<Integer, LongAdder> finals = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> byKind = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> retries = new ConcurrentHashMap<>();
    final LongAdder calls = new LongAdder();
    final LongAdder reads = new LongAdder();
    final LongAdder pendingThenDecided = new LongAdder();
    final List<String> failures = new CopyOnWriteArrayList<>();

    void answered(String kind, int status) {
        finals.computeIfAbsent(status, s -> new LongAdder()).increment();
        byKind.computeIfAbsent(kind + " " + status, k -> new LongAdder()).increment();
    }

    /** Final answers per kind of write and status, e.g. {@code {cancel 200=12, confirm 200=40, confirm 409=3, …}}. */
    String byKind() {
        Map<String, Long> sorted = new TreeMap<>();
        byKind.forEach((k, n) -> sorted.put(k, n.sum()));
        return sorted.toString();
    }

    void retried(String why) {
        retries.computeIfAbsent(why, w -> new LongAdder()).increment();
    }

    void failed(String what) {
        failures.add(what);
    }

    long finalsOf(int statusClass) {
        return finals.entrySet().stream().filter(e -> e.getKey() / 100 == statusClass).mapToLong(e -> e.getValue().sum()).sum();
    }

    long retries() {
        return retries.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** e.g. {@code 2xx=1200 (200=800 201=380 204=20) 4xx=120 (409=100 422=20)}. */
    String finals() {
        Map<Integer, Long> byStatus = new TreeMap<>();
        finals.forEach((s, n) -> byStatus.put(s, n.sum()));
        StringBuilder b = new StringBuilder();
        for (int c : List.of(2, 4, 5)) {
            long n = finalsOf(c);
            if (n > 0 || c != 5) {
                b.append(b.length() == 0 ? "" : " ").append(c).append("xx=").append(n).append(" (");
                StringBuilder detail = new StringBuilder();
                byStatus.forEach((s, k) -> {
                    if (s / 100 == c) {
                        detail.append(detail.length() == 0 ? "" : " ").append(s).append('=').append(k);
                    }
                });
                b.append(detail).append(')');
            }
        }
        return b.toString();
    }

    String retryReasons() {
        Map<String, Long> sorted = new TreeMap<>();
        retries.forEach((w, n) -> sorted.put(w, n.sum()));
        return Collections.unmodifiableMap(sorted).toString();
    }
}
