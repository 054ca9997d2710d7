package dev.allotment.streams.allocation;

import dev.allotment.events.LineBackordered;
import dev.allotment.events.LineReservation;
import dev.allotment.events.LocationStock;
import dev.allotment.events.SkuStock;
import dev.allotment.events.StockBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Keeps the promise dates of a SKU's waiting lines ({@link PromiseDates}) as its incoming batches and its waiting queue
 * change: each line stores the date last logged, and a line whose date moved is logged again as LineBackordered with
 * the new {@code expected_at}, so the order's history and projection follow. Looks at most {@link Router#FILL_BATCH}
 * waiting lines, like the backorder fill.
 */
record Promises(SkuBook book, Router router) {
    /**
     * Whether the turn may have moved a date: the SKU expects dated batches, or did when the turn began (the dates of
     * the lines they covered go back to none). A SKU with no batches before or after dates no line: every waiting line
     * already has none, and a line that starts waiting is logged without one. So a sold-out SKU's turns do not look at
     * its waiting queue, which grows by a line per order (a flash sale slowed down to the length of its queue when
     * this also ran for every line that started waiting).
     */
    boolean due(Turn t) {
        return t.datedBefore() || hasBatches(t.stock());
    }

    /** Dates every waiting line anew; logs the lines whose date changed (in place of a LineBackordered of this turn). */
    void refresh(Turn t) {
        List<LineReservation> waiting = book.waiting(t.sku(), Router.FILL_BATCH);
        List<PromiseDates.Demand> demands = waiting.stream().map(l -> new PromiseDates.Demand(
            l.getQuantity() - l.getAllocatedQuantity(),
            router.stockedSites(l).stream().map(Site::id).collect(Collectors.toSet()))).toList();
        List<Instant> dates = PromiseDates.dates(demands, batches(t.stock()));
        for (int i = 0; i < waiting.size(); i++) {
            LineReservation line = waiting.get(i);
            Instant date = dates.get(i);
            if (!Objects.equals(date, line.getExpectedAt())) {
                line.setExpectedAt(date);
                book.putLine(line);
                log(t, line, demands.get(i).remaining(), date);
            }
        }
    }

    /** Every dated batch of the SKU, by location. */
    static List<PromiseDates.Batch> batches(SkuStock stock) {
        List<PromiseDates.Batch> all = new ArrayList<>();
        for (Map.Entry<String, LocationStock> e : stock.getLocations().entrySet()) {
            List<StockBatch> at = e.getValue().getIncomingBatches();
            if (at != null) {
                at.forEach(b -> all.add(new PromiseDates.Batch(e.getKey(), b.getQuantity(), b.getExpectedAt())));
            }
        }
        return all;
    }

    static boolean hasBatches(SkuStock stock) {
        return stock.getLocations().values().stream().anyMatch(s -> s.getIncomingBatches() != null && !s.getIncomingBatches().isEmpty());
    }

    /** The new date on the line's LineBackordered of this turn, when it logged one; else a LineBackordered of its own. */
    private static void log(Turn t, LineReservation line, int remaining, Instant date) {
        for (int i = t.decided().events().size() - 1; i >= 0; i--) {
            Decisions.Decided d = t.decided().events().get(i);
            if (d.orderId().equals(line.getOrderId()) && d.payload() instanceof LineBackordered b
                && b.getLocationId() == null && b.getLineId().equals(line.getLineId())) {
                b.setExpectedAt(date);
                return;
            }
        }
        t.decided().decided(line.getOrderId(), LineBackordered.newBuilder().setLineId(line.getLineId()).setSku(line.getSku())
            .setQuantity(remaining).setExpectedAt(date).build());
    }
}
