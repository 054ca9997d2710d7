package dev.allotment.streams.allocation;

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

    /** Waiting lines of the SKU, first to be served first: priority (highest first), then time placed. */
    List<LineReservation> waiting(String sku, int max);

    /** Indexes a request part's expiry time; entries are removed when due, whatever became of the part. */
    void scheduleExpiry(RequestExpiry expiry);

    /** Up to {@code max} index entries due at {@code now}, earliest first (every SKU of this book). */
    List<RequestExpiry> dueExpiries(java.time.Instant now, int max);

    void removeExpiry(RequestExpiry expiry);
}
