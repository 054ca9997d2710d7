package dev.allotment.streams.allocation;

import dev.allotment.events.CommandOutcome;
import dev.allotment.events.LineReservation;
import dev.allotment.events.SkuStock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A {@link SkuBook} in maps with the store's key order: for property tests and in-process benchmarks. */
public final class InMemorySkuBook implements SkuBook {
    private final Map<String, SkuStock> stock = new HashMap<>();
    private final TreeMap<String, LineReservation> lines = new TreeMap<>();
    private final TreeMap<String, String> waiting = new TreeMap<>();
    private final Map<String, CommandOutcome> outcomes = new HashMap<>();
    private final TreeMap<String, RequestExpiry> expiries = new TreeMap<>();

    @Override
    public Optional<SkuStock> stock(String sku) {
        return Optional.ofNullable(stock.get(sku)).map(s -> SkuStock.newBuilder(s).build());
    }

    @Override
    public void putStock(SkuStock s) {
        stock.put(s.getSku(), SkuStock.newBuilder(s).build());
    }

    @Override
    public Optional<LineReservation> line(String sku, String orderId, String lineId) {
        return Optional.ofNullable(lines.get(BookKeys.line(sku, orderId, lineId))).map(l -> LineReservation.newBuilder(l).build());
    }

    @Override
    public void putLine(LineReservation line) {
        String key = BookKeys.line(line.getSku(), line.getOrderId(), line.getLineId());
        String waitKey = BookKeys.waiting(line);
        if (line.getWaiting()) {
            waiting.put(waitKey, key);
        } else {
            waiting.remove(waitKey);
        }
        lines.put(key, LineReservation.newBuilder(line).build());
    }

    @Override
    public List<LineReservation> linesOfOrder(String sku, String orderId) {
        String prefix = BookKeys.orderPrefix(sku, orderId);
        return lines.subMap(prefix, prefix + Character.MAX_VALUE).values().stream()
            .map(l -> LineReservation.newBuilder(l).build()).toList();
    }

    @Override
    public List<LineReservation> waiting(String sku, int max) {
        String prefix = BookKeys.skuPrefix(sku);
        List<LineReservation> result = new ArrayList<>();
        for (String key : waiting.subMap(prefix, prefix + Character.MAX_VALUE).values()) {
            if (result.size() >= max) {
                break;
            }
            result.add(LineReservation.newBuilder(lines.get(key)).build());
        }
        return result;
    }

    @Override
    public void scheduleExpiry(RequestExpiry expiry) {
        expiries.put(expiry.key(), expiry);
    }

    @Override
    public List<RequestExpiry> dueExpiries(java.time.Instant now, int max) {
        List<RequestExpiry> due = new ArrayList<>();
        for (RequestExpiry e : expiries.values()) {
            if (due.size() >= max || !e.dueAt(now)) {
                break;
            }
            due.add(e);
        }
        return due;
    }

    @Override
    public void removeExpiry(RequestExpiry expiry) {
        expiries.remove(expiry.key());
    }

    @Override
    public Optional<CommandOutcome> outcome(String commandId) {
        return Optional.ofNullable(outcomes.get(commandId));
    }

    @Override
    public void putOutcome(CommandOutcome outcome) {
        outcomes.put(outcome.getCommandId(), outcome);
    }

    /** Every line held, for invariant checks. */
    public List<LineReservation> allLines() {
        return new ArrayList<>(lines.values());
    }

    /** Every SKU's stock, for invariant checks. */
    public Map<String, SkuStock> allStock() {
        return Map.copyOf(stock);
    }
}
