package dev.allotment.streams.allocation;

import dev.allotment.events.LineReservation;
import dev.allotment.events.SkuStock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@link SkuBook} over four sorted tables (state stores in the topology, maps in tests), with the key encodings of
 * {@link BookKeys} and {@link RequestExpiry}: every key of a SKU shares its prefix, the waiting queue sorts in service
 * order and the expiry index by time, so what a flow needs is a prefix of a table.
 */
public class TableSkuBook implements SkuBook {
    private final Table<SkuStock> stock;
    private final Table<LineReservation> lines;
    private final Table<String> waiting;
    private final Table<String> expiries;

    /** {@code waiting}: waiting key to line key; {@code expiries}: expiry key to SKU. */
    public TableSkuBook(Table<SkuStock> stock, Table<LineReservation> lines, Table<String> waiting, Table<String> expiries) {
        this.stock = stock;
        this.lines = lines;
        this.waiting = waiting;
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
        String waitingKey = BookKeys.waiting(line);
        if (line.getWaiting()) {
            waiting.put(waitingKey, key);
        } else if (waiting.get(waitingKey) != null) {   // a delete logs a tombstone even for an absent key: one per line
            waiting.delete(waitingKey);
        }
        lines.put(key, line);
    }

    @Override
    public List<LineReservation> linesOfOrder(String sku, String orderId) {
        List<LineReservation> result = new ArrayList<>();
        lines.scan(BookKeys.orderPrefix(sku, orderId), (key, line) -> result.add(line));
        return result;
    }

    @Override
    public List<LineReservation> waiting(String sku, int max) {
        List<LineReservation> result = new ArrayList<>();
        waiting.scan(BookKeys.skuPrefix(sku), (key, lineKey) -> {
            LineReservation line = lines.get(lineKey);
            if (line != null) {
                result.add(line);
            }
            return result.size() < max;
        });
        return result;
    }

    @Override
    public void scheduleExpiry(RequestExpiry expiry) {
        expiries.put(expiry.key(), expiry.sku());
    }

    @Override
    public List<RequestExpiry> dueExpiries(Instant now, int max) {
        List<RequestExpiry> due = new ArrayList<>();
        expiries.scan("", (key, sku) -> {   // keys sort by expiry time
            RequestExpiry e = RequestExpiry.parse(key);
            if (!e.dueAt(now)) {
                return false;
            }
            due.add(e);
            return due.size() < max;
        });
        return due;
    }

    @Override
    public void removeExpiry(RequestExpiry expiry) {
        expiries.delete(expiry.key());
    }
}
