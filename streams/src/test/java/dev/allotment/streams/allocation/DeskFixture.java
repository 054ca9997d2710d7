package dev.allotment.streams.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.allotment.events.AllocateLines;
import dev.allotment.events.ConfirmAllocationRequest;
import dev.allotment.events.DeleteAllocations;
import dev.allotment.events.IncomingSet;
import dev.allotment.events.LineAllocation;
import dev.allotment.events.LineAnswer;
import dev.allotment.events.LineQuantity;
import dev.allotment.events.LineReservation;
import dev.allotment.events.LocationStock;
import dev.allotment.events.MarkRequestSendFailed;
import dev.allotment.events.MarkRequestSent;
import dev.allotment.events.RejectAllocationRequest;
import dev.allotment.events.ReleaseOrder;
import dev.allotment.events.ReserveLine;
import dev.allotment.events.StockAdjusted;
import dev.allotment.events.StockSet;
import dev.allotment.events.SupplierAnswer;
import dev.allotment.events.UpdateAllocation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.function.Executable;

/**
 * One SKU's {@link SkuDesk} on an in-memory book, with a few sites and sales channels, and helpers in the business's
 * words for the example tests of each flow. Each helper is one input at the fixture's clock; {@link #decided(Class)}
 * reads what the last input decided, {@link #refused} checks that a refused input changed nothing. The sites and
 * channels are shared with {@link SkuDeskPropertiesTest}.
 */
final class DeskFixture {
    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    static final String SKU = "S1";
    /** The line every helper places and reads, unless told another. */
    static final String LINE = "l-1";
    static final String BACKORDER_DATE = "2026-12-24";

    /** A direct warehouse that shares its stock. */
    static final String WAREHOUSE = "wh-a";
    /** Another direct warehouse that shares its stock. */
    static final String OTHER_WAREHOUSE = "wh-b";
    /** A supplier that shares its stock and must confirm a request within {@link #SUPPLIER_TIMEOUT}. */
    static final String SUPPLIER = "sup-c";
    static final Duration SUPPLIER_TIMEOUT = Duration.ofSeconds(5);
    /** A direct drop-shipper that does not share its stock: nothing limits what it is allocated. */
    static final String DROP_SHIPPER = "drop-d";
    /** A supplier that does not share its stock and must confirm within {@link #UNTRACKED_SUPPLIER_TIMEOUT}. */
    static final String UNTRACKED_SUPPLIER = "sup-e";
    static final Duration UNTRACKED_SUPPLIER_TIMEOUT = Duration.ofSeconds(3);

    static final Map<String, Site> SITES = Map.of(
        WAREHOUSE, new Site(WAREHOUSE, true, true),
        OTHER_WAREHOUSE, new Site(OTHER_WAREHOUSE, true, true),
        SUPPLIER, new Site(SUPPLIER, false, true, SUPPLIER_TIMEOUT),
        DROP_SHIPPER, new Site(DROP_SHIPPER, true, false),
        UNTRACKED_SUPPLIER, new Site(UNTRACKED_SUPPLIER, false, false, UNTRACKED_SUPPLIER_TIMEOUT));

    /** Every site, ranked wh-a, sup-c, wh-b, sup-e (direct sites are tried before confirm ones all the same). */
    static final String WEB = "web";
    /** The other warehouse alone. */
    static final String SHOP = "shop";
    /** The warehouse, then the drop-shipper. */
    static final String DROP = "drop";
    /** The two suppliers: the one that shares its stock first, the untracked one when it cannot take a line. */
    static final String SUPPLIERS = "suppliers";
    /** The supplier that shares its stock, alone: nothing is left once it declines a line. */
    static final String ONE_SUPPLIER = "one-supplier";
    /** A channel without routing: its lines are allocated by hand only. */
    static final String MANUAL = "manual";

    static final Map<String, List<String>> ROUTING = Map.of(
        WEB, List.of(WAREHOUSE, SUPPLIER, OTHER_WAREHOUSE, UNTRACKED_SUPPLIER),
        SHOP, List.of(OTHER_WAREHOUSE),
        DROP, List.of(WAREHOUSE, DROP_SHIPPER),
        SUPPLIERS, List.of(SUPPLIER, UNTRACKED_SUPPLIER),
        ONE_SUPPLIER, List.of(SUPPLIER));

    static final Locations LOCATIONS = new Locations() {
        @Override
        public Optional<Site> site(String id) {
            return Optional.ofNullable(SITES.get(id));
        }

        @Override
        public List<Site> routing(String channel) {
            return ROUTING.getOrDefault(channel, List.of()).stream().map(SITES::get).toList();
        }
    };

    final InMemorySkuBook book = new InMemorySkuBook();
    final SkuDesk desk = new SkuDesk(book, LOCATIONS);
    private Instant now = T0;
    private int inputs;
    private List<Decisions.Decided> last = List.of();

    // ---- time

    Instant now() {
        return now;
    }

    void advance(Duration by) {
        now = now.plus(by);
    }

    /** What the punctuator does: times out every request due now. */
    void expire() {
        List<Decisions.Decided> events = new ArrayList<>();
        desk.expire(now, 1_000).forEach(d -> events.addAll(d.decisions().events()));
        last = events;
    }

    // ---- stock

    void stock(String location, int physical) {
        stockChange(new StockSet(SKU, location, physical, null));
    }

    void adjust(String location, int delta) {
        stockChange(new StockAdjusted(SKU, location, delta, "count"));
    }

    /** A checkout holds {@code quantity} of {@link #SKU} on the channel for {@code ttlSeconds}. */
    void hold(String holdId, String channel, int quantity, int ttlSeconds) {
        stockChange(new dev.allotment.events.HoldPlaced(holdId, SKU, quantity, channel, ttlSeconds));
    }

    void releaseHold(String holdId) {
        stockChange(new dev.allotment.events.HoldReleased(holdId, SKU, "cart abandoned"));
    }

    /** Places the order's line {@link #LINE} of {@link #SKU} naming a cart hold it converts. */
    void placeConverting(String orderId, String channel, int quantity, String holdId) {
        command(orderId, new ReserveLine(LINE, SKU, quantity, channel, 0, now, null, "al-" + orderId, false, holdId));
    }

    void incoming(String location, int incoming) {
        stockChange(new IncomingSet(SKU, location, incoming, null));
    }

    void stockChange(Object change) {
        last = List.of();   // a refused input decided nothing
        last = desk.stock(SKU, change, now).events();
    }

    // ---- orders and manual allocation

    /** Places the order's line {@link #LINE} of {@link #SKU} on the channel (its base id {@code al-<order>}). */
    void place(String orderId, String channel, int quantity) {
        place(orderId, LINE, channel, quantity, 0, null);
    }

    void place(String orderId, String lineId, String channel, int quantity, int priority, String preferredLocation) {
        command(orderId, new ReserveLine(lineId, SKU, quantity, channel, priority, now, preferredLocation, "al-" + orderId, false, null));
    }

    /**
     * Adds {@code quantity} to the stock of the supplier that shares its stock and places the order's line of that many
     * on the suppliers' channel: the line becomes one request at that supplier. The request's id.
     */
    String requestAtSupplier(String orderId, int quantity) {
        adjust(SUPPLIER, quantity);
        place(orderId, SUPPLIERS, quantity);
        return "al-" + orderId + "@" + SUPPLIER;
    }

    /** Allocates {@code quantity} of the order's SKU at the location by hand, under {@code allocationId}. */
    void allocate(String orderId, String location, int quantity, String allocationId) {
        command(orderId, new AllocateLines(location, List.of(new LineQuantity(null, SKU, quantity)), allocationId));
    }

    /** Changes the allocation's quantity of the order's SKU. */
    void change(String orderId, String allocationId, int quantity) {
        command(orderId, new UpdateAllocation(allocationId, List.of(new LineQuantity(null, SKU, quantity)), null, null));
    }

    void move(String orderId, String allocationId, String location) {
        command(orderId, new UpdateAllocation(allocationId, null, null, location));
    }

    void complete(String orderId, String allocationId) {
        command(orderId, new UpdateAllocation(allocationId, null, now, null));
    }

    void delete(String orderId) {
        command(orderId, new DeleteAllocations());
    }

    /** The platform changed the quantity of the order's line {@link #LINE}. */
    void changeLine(String orderId, int quantity) {
        command(orderId, new dev.allotment.events.ChangeLineQuantity(LINE, quantity, "customer edit"));
    }

    /** The platform cancelled the order's line {@link #LINE}. */
    void cancelLine(String orderId) {
        command(orderId, new dev.allotment.events.CancelLine(LINE, "out of season"));
    }

    void cancel(String orderId) {
        command(orderId, new ReleaseOrder("customer request"));
    }

    // ---- allocation requests

    void markSent(String orderId, String allocationId) {
        command(orderId, new MarkRequestSent(allocationId, 1));
    }

    void markFailed(String orderId, String allocationId) {
        command(orderId, new MarkRequestSendFailed(allocationId, 6, "connection refused"));
    }

    void confirm(String orderId, String allocationId) {
        command(orderId, new ConfirmAllocationRequest(allocationId));
    }

    void reject(String orderId, String allocationId) {
        command(orderId, new RejectAllocationRequest(allocationId, "out of stock"));
    }

    /** The supplier at {@code location} answers for the order's line {@link #LINE}. */
    void answer(String orderId, String location, int accepted, int rejected, int backordered) {
        command(orderId, new SupplierAnswer(location, List.of(new LineAnswer(LINE, accepted, rejected, backordered,
            BACKORDER_DATE, null, null, null)), null, null, null));
    }

    /** Any command about the order's line(s) of {@link #SKU}. */
    void command(String orderId, Object payload) {
        last = List.of();   // a refused input decided nothing
        last = desk.command(SKU, "c-" + ++inputs, orderId, payload, now).events();
    }

    // ---- reading

    LineReservation line(String orderId) {
        return line(orderId, LINE);
    }

    LineReservation line(String orderId, String lineId) {
        return book.line(SKU, orderId, lineId).orElseThrow(() -> new AssertionError("no line " + lineId + " of " + orderId));
    }

    /** The latest part of the order's line {@link #LINE} under {@code allocationId}. */
    LineAllocation part(String orderId, String allocationId) {
        List<LineAllocation> parts = line(orderId).getAllocations().stream()
            .filter(p -> p.getAllocationId().equals(allocationId)).toList();
        if (parts.isEmpty()) {
            throw new AssertionError("no part " + allocationId + " in " + line(orderId));
        }
        return parts.get(parts.size() - 1);
    }

    PartStatus status(String orderId, String allocationId) {
        return Parts.status(part(orderId, allocationId));
    }

    /** The ids of the parts of the order's line {@link #LINE}, in the order they were made. */
    List<String> allocationIds(String orderId) {
        return line(orderId).getAllocations().stream().map(LineAllocation::getAllocationId).toList();
    }

    /** The SKU's stock level at the location (all zero where nothing was ever counted). */
    LocationStock level(String location) {
        return book.stock(SKU).map(s -> s.getLocations().get(location)).orElse(new LocationStock(0, 0, 0, T0, 0, null));
    }

    int allocated(String location) {
        return level(location).getAllocated();
    }

    int available(String location) {
        return level(location).getPhysical() - level(location).getAllocated();
    }

    /** The payloads of this type that the last input decided, in order. */
    <T> List<T> decided(Class<T> type) {
        return last.stream().map(Decisions.Decided::payload).filter(type::isInstance).map(type::cast).toList();
    }

    /** The one payload of this type that the last input decided. */
    <T> T decidedOne(Class<T> type) {
        List<T> found = decided(type);
        assertEquals(1, found.size(), () -> "decided " + kinds());
        return found.get(0);
    }

    /** The kinds of event the last input decided, in order. */
    List<String> kinds() {
        return last.stream().map(d -> d.payload().getClass().getSimpleName()).toList();
    }

    /** Asserts that {@code input} is refused, and that the book (stock, lines, expiries) is as it was; the refusal's code. */
    RefusalCode refused(Executable input) {
        String before = snapshot();
        Refusal refusal = assertThrows(Refusal.class, input);
        assertEquals(before, snapshot(), "a refused input changed the book: " + refusal.getMessage());
        return refusal.code();
    }

    /** The book as text: every SKU's stock by location, every line, every scheduled expiry. */
    String snapshot() {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(book.allStock()).forEach((sku, stock) -> {
            text.append(sku).append(" next ").append(stock.getNextSequence()).append('\n');
            new TreeMap<>(stock.getLocations()).forEach((at, s) -> text.append("  ").append(at).append(' ').append(s).append('\n'));
        });
        book.allLines().forEach(l -> text.append(l).append('\n'));
        book.dueExpiries(Instant.parse("9999-01-01T00:00:00Z"), 1_000).forEach(e -> text.append(e).append('\n'));
        return text.toString();
    }

    // ---- one flow at a time, on the same book

    /** A turn of the SKU as a flow sees it: its stock as held, nothing decided yet, at the fixture's clock. */
    Turn turn() {
        return new Turn(ledger().stockOf(SKU), new Decisions(), now);
    }

    Ledger ledger() {
        return new Ledger(book, LOCATIONS);
    }

    static Site site(String id) {
        return SITES.get(id);
    }
}
