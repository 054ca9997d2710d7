package dev.allotment.streams.allocation;

import dev.allotment.events.CartHold;
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
    private final Table<String> holds;
    private final Table<CartHold> cartHolds;
    private final Table<String> cartHoldExpiries;

    /**
     * {@code waiting}: waiting key to line key; {@code expiries}: expiry key to SKU; {@code holds}: line key to the part
     * holding it; {@code cartHolds}: SKU and hold id to the cart hold; {@code cartHoldExpiries}: its expiry key to its key.
     */
    public TableSkuBook(Table<SkuStock> stock, Table<LineReservation> lines, Table<String> waiting, Table<String> expiries,
                        Table<String> holds, Table<CartHold> cartHolds, Table<String> cartHoldExpiries) {
        this.stock = stock;
        this.lines = lines;
        this.waiting = waiting;
        this.expiries = expiries;
        this.holds = holds;
        this.cartHolds = cartHolds;
        this.cartHoldExpiries = cartHoldExpiries;
    }

    private static String cartHoldKey(String sku, String holdId) {
        return BookKeys.skuPrefix(sku) + holdId;
    }

    private static String cartHoldExpiryKey(CartHold hold) {
        return SortableDigits.padded(Math.max(0, hold.getExpiresAt().toEpochMilli()), 19) + BookKeys.SEPARATOR
            + cartHoldKey(hold.getSku(), hold.getHoldId());
    }

    @Override
    public Optional<CartHold> cartHold(String sku, String holdId) {
        return Optional.ofNullable(cartHolds.get(cartHoldKey(sku, holdId)));
    }

    @Override
    public List<CartHold> cartHolds(String sku) {
        List<CartHold> result = new ArrayList<>();
        cartHolds.scan(BookKeys.skuPrefix(sku), (key, hold) -> result.add(hold));
        return result;
    }

    @Override
    public void putCartHold(CartHold hold) {
        CartHold was = cartHolds.get(cartHoldKey(hold.getSku(), hold.getHoldId()));
        if (was == null || !was.getExpiresAt().equals(hold.getExpiresAt())) {
            if (was != null) {
                cartHoldExpiries.delete(cartHoldExpiryKey(was));
            }
            cartHoldExpiries.put(cartHoldExpiryKey(hold), cartHoldKey(hold.getSku(), hold.getHoldId()));
        }
        cartHolds.put(cartHoldKey(hold.getSku(), hold.getHoldId()), hold);
    }

    @Override
    public void removeCartHold(CartHold hold) {
        cartHoldExpiries.delete(cartHoldExpiryKey(hold));
        cartHolds.delete(cartHoldKey(hold.getSku(), hold.getHoldId()));
    }

    @Override
    public List<CartHold> dueCartHolds(Instant now, int max) {
        List<CartHold> due = new ArrayList<>();
        String until = SortableDigits.padded(Math.max(0, now.toEpochMilli()), 19);
        cartHoldExpiries.scan("", (key, holdKey) -> {   // keys sort by expiry time
            if (key.substring(0, 19).compareTo(until) > 0) {
                return false;
            }
            CartHold hold = cartHolds.get(holdKey);
            if (hold != null) {
                due.add(hold);
            }
            return due.size() < max;
        });
        return due;
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
        String key = BookKeys.line(line);
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
    public List<LineReservation> linesHoldingAt(String sku, String locationId) {
        List<LineReservation> result = new ArrayList<>();
        lines.scan(BookKeys.skuPrefix(sku), (key, line) -> {
            if (line.getAllocations().stream().anyMatch(p -> Parts.holds(p) && p.getLocationId().equals(locationId))) {
                result.add(line);
            }
            return true;
        });
        return result;
    }

    @Override
    public List<LineReservation> waiting(String sku, int max) {
        List<LineReservation> result = new ArrayList<>();
        waiting.scan(BookKeys.skuPrefix(sku), (key, lineKey) -> {
            LineReservation line = holds.get(lineKey) != null ? null : lines.get(lineKey);   // a held line waits for its part
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
            if (holds.get(BookKeys.line(e.sku(), e.orderId(), e.lineId())) == null) {   // a held line's request waits for its part
                due.add(e);
            }
            return due.size() < max;
        });
        return due;
    }

    @Override
    public void removeExpiry(RequestExpiry expiry) {
        expiries.delete(expiry.key());
    }

    @Override
    public Optional<String> holder(String lineKey) {
        return Optional.ofNullable(holds.get(lineKey));
    }

    @Override
    public boolean anyHeld(String sku) {
        boolean[] any = {false};
        holds.scan(BookKeys.skuPrefix(sku), (key, part) -> {
            any[0] = true;
            return false;
        });
        return any[0];
    }

    @Override
    public void hold(String lineKey, String partId) {
        holds.put(lineKey, partId);
    }

    @Override
    public void unhold(String lineKey) {
        holds.delete(lineKey);
    }

    @Override
    public Draft draft() {
        return new DraftBook(new OverlayTable<>(stock, s -> SkuStock.newBuilder(s).build()),
            new OverlayTable<>(lines, l -> LineReservation.newBuilder(l).build()), new OverlayTable<>(waiting, k -> k),
            new OverlayTable<>(expiries, k -> k), new OverlayTable<>(holds, k -> k),
            new OverlayTable<>(cartHolds, h -> CartHold.newBuilder(h).build()), new OverlayTable<>(cartHoldExpiries, k -> k));
    }

    /** A book over drafts of this one's tables. */
    private static final class DraftBook extends TableSkuBook implements Draft {
        private final List<OverlayTable<?>> tables;
        private final OverlayTable<LineReservation> lines;

        DraftBook(OverlayTable<SkuStock> stock, OverlayTable<LineReservation> lines, OverlayTable<String> waiting,
                  OverlayTable<String> expiries, OverlayTable<String> holds, OverlayTable<CartHold> cartHolds,
                  OverlayTable<String> cartHoldExpiries) {
            super(stock, lines, waiting, expiries, holds, cartHolds, cartHoldExpiries);
            this.tables = List.of(stock, lines, waiting, expiries, holds, cartHolds, cartHoldExpiries);
            this.lines = lines;
        }

        @Override
        public List<String> writtenLines() {
            List<String> keys = new ArrayList<>();
            lines.written().forEach(keys::add);
            return keys;
        }

        @Override
        public void apply() {
            tables.forEach(OverlayTable::apply);
        }
    }
}
