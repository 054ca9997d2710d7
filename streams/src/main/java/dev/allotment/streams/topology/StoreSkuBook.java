package dev.allotment.streams.topology;

import dev.allotment.events.CommandOutcome;
import dev.allotment.events.LineReservation;
import dev.allotment.events.SkuStock;
import dev.allotment.streams.allocation.BookKeys;
import dev.allotment.streams.allocation.RequestExpiry;
import dev.allotment.streams.allocation.SkuBook;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** {@link SkuBook} on the SKU partition's state stores. */
final class StoreSkuBook implements SkuBook {
    private static final StringSerializer KEYS = new StringSerializer();
    private final KeyValueStore<String, SkuStock> stock;
    private final KeyValueStore<String, LineReservation> lines;
    private final KeyValueStore<String, String> waiting;
    private final KeyValueStore<String, CommandOutcome> outcomes;
    private final KeyValueStore<String, String> expiries;

    StoreSkuBook(KeyValueStore<String, SkuStock> stock, KeyValueStore<String, LineReservation> lines,
                 KeyValueStore<String, String> waiting, KeyValueStore<String, CommandOutcome> outcomes,
                 KeyValueStore<String, String> expiries) {
        this.stock = stock;
        this.lines = lines;
        this.waiting = waiting;
        this.outcomes = outcomes;
        this.expiries = expiries;
    }

    @Override
    public Optional<SkuStock> stock(String sku) {
        return Optional.ofNullable(stock.get(sku));
    }

    @Override
    public void putStock(SkuStock s) {
        stock.put(s.getSku(), s);
    }

    @Override
    public Optional<LineReservation> line(String sku, String orderId, String lineId) {
        return Optional.ofNullable(lines.get(BookKeys.line(sku, orderId, lineId)));
    }

    @Override
    public void putLine(LineReservation line) {
        String key = BookKeys.line(line.getSku(), line.getOrderId(), line.getLineId());
        if (line.getWaiting()) {
            waiting.put(BookKeys.waiting(line), key);
        } else {
            String waitingKey = BookKeys.waiting(line);
            if (waiting.get(waitingKey) != null) {  // a delete logs a tombstone even for an absent key: one per line
                waiting.delete(waitingKey);
            }
        }
        lines.put(key, line);
    }

    @Override
    public List<LineReservation> linesOfOrder(String sku, String orderId) {
        List<LineReservation> result = new ArrayList<>();
        try (KeyValueIterator<String, LineReservation> it = lines.prefixScan(BookKeys.orderPrefix(sku, orderId), KEYS)) {
            it.forEachRemaining(kv -> result.add(kv.value));
        }
        return result;
    }

    @Override
    public List<LineReservation> waiting(String sku, int max) {
        List<LineReservation> result = new ArrayList<>();
        try (KeyValueIterator<String, String> it = waiting.prefixScan(BookKeys.skuPrefix(sku), KEYS)) {
            while (it.hasNext() && result.size() < max) {
                KeyValue<String, String> entry = it.next();
                LineReservation line = lines.get(entry.value);
                if (line != null) {
                    result.add(line);
                }
            }
        }
        return result;
    }

    @Override
    public void scheduleExpiry(RequestExpiry expiry) {
        expiries.put(expiry.key(), expiry.sku());
    }

    @Override
    public List<RequestExpiry> dueExpiries(java.time.Instant now, int max) {
        List<RequestExpiry> due = new ArrayList<>();
        try (KeyValueIterator<String, String> it = expiries.all()) {   // keys sort by expiry time
            while (it.hasNext() && due.size() < max) {
                RequestExpiry e = RequestExpiry.parse(it.next().key);
                if (!e.dueAt(now)) {
                    break;
                }
                due.add(e);
            }
        }
        return due;
    }

    @Override
    public void removeExpiry(RequestExpiry expiry) {
        expiries.delete(expiry.key());
    }

    @Override
    public Optional<CommandOutcome> outcome(String commandId) {
        return Optional.ofNullable(outcomes.get(commandId));
    }

    @Override
    public void putOutcome(CommandOutcome outcome) {
        outcomes.put(outcome.getCommandId(), outcome);
    }
}
