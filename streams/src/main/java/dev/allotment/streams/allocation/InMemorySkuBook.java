package dev.allotment.streams.allocation;

import dev.allotment.events.CartHold;
import dev.allotment.events.LineReservation;
import dev.allotment.events.SkuStock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A {@link SkuBook} in sorted maps, with the stores' key order and value semantics: for property tests. */
public final class InMemorySkuBook extends TableSkuBook {
    private final MapTable<SkuStock> stock;
    private final MapTable<LineReservation> lines;

    public InMemorySkuBook() {
        this(new MapTable<>(s -> SkuStock.newBuilder(s).build()), new MapTable<>(l -> LineReservation.newBuilder(l).build()));
    }

    private InMemorySkuBook(MapTable<SkuStock> stock, MapTable<LineReservation> lines) {
        super(stock, lines, new MapTable<>(k -> k), new MapTable<>(k -> k), new MapTable<>(k -> k),
            new MapTable<>(h -> CartHold.newBuilder(h).build()), new MapTable<>(k -> k));
        this.stock = stock;
        this.lines = lines;
    }

    /** Every line held, for invariant checks. */
    public List<LineReservation> allLines() {
        return lines.values();
    }

    /** Every SKU's stock, for invariant checks. */
    public Map<String, SkuStock> allStock() {
        Map<String, SkuStock> all = new HashMap<>();
        stock.values().forEach(s -> all.put(s.getSku(), s));
        return Map.copyOf(all);
    }
}
