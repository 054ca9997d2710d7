package dev.allotment.streams.allocation;

import static dev.allotment.streams.allocation.DeskFixture.OTHER_WAREHOUSE;
import static dev.allotment.streams.allocation.DeskFixture.SHOP;
import static dev.allotment.streams.allocation.DeskFixture.SKU;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.allotment.events.IncomingBatch;
import dev.allotment.events.IncomingSet;
import dev.allotment.events.LineBackordered;
import dev.allotment.events.StockSet;
import dev.allotment.streams.order.Limits;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Incoming batches at the {@link SkuDesk}: how a waiting line's promise date follows them, and what is refused. */
class IncomingBatchesTest {
    private static final Instant JAN_10 = Instant.parse("2030-01-10T00:00:00Z");
    private static final Instant FEB_01 = Instant.parse("2030-02-01T00:00:00Z");
    private final DeskFixture f = new DeskFixture();

    private static IncomingSet batches(int incoming, IncomingBatch... batches) {
        return new IncomingSet(SKU, OTHER_WAREHOUSE, incoming, List.of(batches));
    }

    @Test
    void aPlainNumberIsUndatedItClearsTheBatchesAndTheLinesDate() {
        f.place("o-1", SHOP, 2);
        f.stockChange(batches(5, new IncomingBatch(5, JAN_10)));
        assertEquals(JAN_10, f.line("o-1").getExpectedAt());

        f.incoming(OTHER_WAREHOUSE, 7);   // a client from before batches
        assertNull(f.level(OTHER_WAREHOUSE).getIncomingBatches());
        assertEquals(7, f.level(OTHER_WAREHOUSE).getIncoming());
        assertNull(f.line("o-1").getExpectedAt(), "undated incoming promises nothing");

        f.stockChange(batches(5, new IncomingBatch(5, FEB_01)));
        f.stockChange(new StockSet(SKU, OTHER_WAREHOUSE, 0, 3));   // a count with incoming: undated too
        assertNull(f.level(OTHER_WAREHOUSE).getIncomingBatches());
        assertNull(f.line("o-1").getExpectedAt());
    }

    /**
     * A line dated while it waited, then taken by a supplier's request, keeps no date of its own: the batch it was dated
     * by goes while the request is open, and when the request times out the line waits again with no date, as the
     * SKU's batches say (it was logged with the date of a batch that no longer existed).
     */
    @Test
    void aLineThatWaitsAgainIsDatedByTheBatchesThenNotByTheDateItHadBefore() {
        f.stockChange(new IncomingSet(SKU, DeskFixture.SUPPLIER, 5, List.of(new IncomingBatch(5, JAN_10))));
        f.place("o-1", DeskFixture.SUPPLIERS, 1);   // sup-c has none on hand: sup-e, which does not share stock, is asked
        f.advance(DeskFixture.UNTRACKED_SUPPLIER_TIMEOUT);
        f.expire();
        assertEquals(JAN_10, f.line("o-1").getExpectedAt(), "sup-e did not answer: the line waits for sup-c's batch");
        f.stock(DeskFixture.SUPPLIER, 1);   // sup-c has one: the line is requested there and stops waiting
        assertEquals(false, f.line("o-1").getWaiting());
        f.incoming(DeskFixture.SUPPLIER, 0);   // and the batch is gone
        f.advance(DeskFixture.SUPPLIER_TIMEOUT);
        f.expire();   // sup-c did not answer either: the line waits again, with nowhere left that has a batch for it
        assertEquals(true, f.line("o-1").getWaiting());
        assertNull(f.decidedOne(LineBackordered.class).getExpectedAt(), "logged with the date of a batch that went");
        assertNull(f.line("o-1").getExpectedAt());
    }

    @Test
    void aLineThatStartsWaitingIsLoggedWithItsDateInOneEvent() {
        f.stockChange(batches(5, new IncomingBatch(5, JAN_10)));
        Decisions placed = f.desk.command(SKU, "c-1", "o-1", new dev.allotment.events.ReserveLine(DeskFixture.LINE, SKU, 2,
            SHOP, 0, f.now(), null, "al-o-1", false, null), f.now());
        List<LineBackordered> logged = placed.events().stream().filter(e -> e.payload() instanceof LineBackordered)
            .map(e -> (LineBackordered) e.payload()).toList();
        assertEquals(1, logged.size(), logged.toString());
        assertEquals(JAN_10, logged.get(0).getExpectedAt());
    }

    @Test
    void aSoldOutSkuWithoutBatchesDoesNotRedateItsQueueForEachLineThatStartsWaiting() {
        Promises promises = new Promises(f.book, null);
        Decisions placed = f.desk.command(SKU, "c-1", "o-1", new dev.allotment.events.ReserveLine(DeskFixture.LINE, SKU, 2,
            SHOP, 0, f.now(), null, "al-o-1", false, null), f.now());
        assertEquals(1, placed.events().stream().filter(e -> e.payload() instanceof LineBackordered).count());
        Turn undated = new Turn(f.book.stock(SKU).orElseThrow(), placed, f.now());
        assertEquals(false, promises.due(undated), "no batch before or after: every date stays none, nothing to look at");

        f.stockChange(batches(5, new IncomingBatch(5, JAN_10)));
        assertEquals(true, promises.due(new Turn(f.book.stock(SKU).orElseThrow(), new Decisions(), f.now())));
        Turn batchesGone = new Turn(f.book.stock(SKU).orElseThrow(), new Decisions(), f.now(), true);
        batchesGone.stock().getLocations().values().forEach(l -> l.setIncomingBatches(null));
        assertEquals(true, promises.due(batchesGone), "the batches went this turn: the dates they gave go back to none");
    }

    @Test
    void batchesThatBreakTheRulesAreRefusedAndChangeNothing() {
        f.stockChange(batches(5, new IncomingBatch(5, JAN_10)));
        String before = f.snapshot();
        assertEquals(RefusalCode.INVALID_QUANTITY, f.refused(() -> f.stockChange(batches(6, new IncomingBatch(5, JAN_10)))),
            "incoming is the batches' sum");
        assertEquals(RefusalCode.INVALID_QUANTITY, f.refused(() -> f.stockChange(batches(0, new IncomingBatch(0, JAN_10)))));
        IncomingBatch undated = new IncomingBatch();   // only a record built in Java can lack it; decoded ones cannot
        undated.setQuantity(1);
        assertEquals(RefusalCode.INVALID_FIELD, f.refused(() -> f.stockChange(batches(1, undated))));
        List<IncomingBatch> many = new ArrayList<>();
        for (int i = 0; i <= Limits.MAX_INCOMING_BATCHES; i++) {
            many.add(new IncomingBatch(1, JAN_10));
        }
        assertEquals(RefusalCode.INVALID_FIELD, f.refused(() -> f.stockChange(batches(many.size(), many.toArray(IncomingBatch[]::new)))));
        assertEquals(before, f.snapshot());
    }
}
