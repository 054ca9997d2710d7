package dev.allotment.streams.allocation;

import dev.allotment.events.CartHold;
import dev.allotment.events.LineReservation;
import dev.allotment.events.SkuStock;
import java.util.List;
import java.util.Optional;

/**
 * The state one SKU's partition decides with: the SKU's stock at every location, the reservations of
 * the order lines of that SKU, the queue of lines waiting for stock, and the expiry index of allocation
 * requests.
 * State stores in the topology; maps in the property tests.
 */
public interface SkuBook {
    Optional<SkuStock> stock(String sku);

    void putStock(SkuStock stock);

    Optional<LineReservation> line(String sku, String orderId, String lineId);

    /** Stores the line, and keeps it in (or out of) the waiting queue as its {@code waiting} flag says. */
    void putLine(LineReservation line);

    /** Every line of {@code orderId} with this SKU, in line-id order. */
    List<LineReservation> linesOfOrder(String sku, String orderId);

    /**
     * Every line of the SKU with a part holding stock at the location (a scan of the SKU's lines: for counts, which are
     * rare beside orders).
     */
    List<LineReservation> linesHoldingAt(String sku, String locationId);

    /** Waiting lines of the SKU, first to be served first: priority (highest first), then time placed. */
    List<LineReservation> waiting(String sku, int max);

    /** Indexes a request part's expiry time; entries are removed when due, whatever became of the part. */
    void scheduleExpiry(RequestExpiry expiry);

    /** Up to {@code max} index entries due at {@code now}, earliest first (every SKU of this book). */
    List<RequestExpiry> dueExpiries(java.time.Instant now, int max);

    void removeExpiry(RequestExpiry expiry);

    /**
     * The part of a multi-SKU command that holds this line (key {@link BookKeys#line}) until its group is decided, if
     * any: no other client command may change the line meanwhile, the waiting queue and the expiry index pass it by.
     */
    Optional<String> holder(String lineKey);

    /** Whether any line of the SKU is held by a part. */
    boolean anyHeld(String sku);

    void hold(String lineKey, String partId);

    void unhold(String lineKey);

    /** The cart hold of that id on the SKU, while it holds stock. */
    Optional<CartHold> cartHold(String sku, String holdId);

    /** Every cart hold of the SKU (a scan: for counts, which are rare beside orders). */
    List<CartHold> cartHolds(String sku);

    /** Stores the hold and indexes its expiry. */
    void putCartHold(CartHold hold);

    /** Removes the hold and its expiry entry. */
    void removeCartHold(CartHold hold);

    /** Up to {@code max} holds due at {@code now}, earliest first (every SKU of this book). */
    List<CartHold> dueCartHolds(java.time.Instant now, int max);

    /** A draft of this book: a flow run on it writes nothing here until {@link Draft#apply()}; dropped, nothing at all. */
    Draft draft();

    /** A book whose writes wait to be applied. */
    interface Draft extends SkuBook {
        /** The keys of the lines the draft wrote ({@link BookKeys#line}). */
        List<String> writtenLines();

        /** Writes everything the draft wrote into the book it was drawn from. */
        void apply();
    }
}
