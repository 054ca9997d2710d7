package dev.allotment.streams.allocation;

import dev.allotment.events.SkuStock;
import java.time.Instant;

/**
 * One input's turn at the {@link SkuDesk}: the SKU's stock as the input changes it, what it has decided so far, and
 * the input's time. Every flow takes it as a parameter, so no flow keeps per-input state in fields. {@code
 * datedBefore}: whether the SKU expected dated batches when the turn began (see {@link Promises#due}).
 */
record Turn(SkuStock stock, Decisions decided, Instant at, boolean datedBefore) {
    Turn(SkuStock stock, Decisions decided, Instant at) {
        this(stock, decided, at, Promises.hasBatches(stock));
    }

    String sku() {
        return stock.getSku();
    }
}
