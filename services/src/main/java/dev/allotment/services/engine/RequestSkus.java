package dev.allotment.services.engine;

import dev.allotment.events.LineReservation;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Which SKUs an allocation request spans, as the partitions that decide them hold it: a supplier's answer to a request
 * (confirm, reject) is one command with a part on each of them. A request's lines are routed on their SKUs' partitions
 * one by one, and reach the order's projection one fold later each, so the projection read between two of them shows a
 * request with some of its lines: a confirmation built from it would confirm those and leave the others to time out
 * (found by the fault suite: a two-line request confirmed on one SKU, the other refused later as outdated). The SKUs'
 * own stores are the single writers' state: every line of the order that has reached its SKU has its parts there.
 */
public final class RequestSkus {
    private RequestSkus() {}

    /**
     * The SKUs among {@code orderSkus} with a line of the order holding a part of {@code requestId}, in the order given;
     * {@code lines} reads a SKU's lines of an order (the query port's {@code lines(sku, orderId)}).
     */
    public static Set<String> holding(String requestId, String orderId, Collection<String> orderSkus,
                                      BiFunction<String, String, List<LineReservation>> lines) {
        Set<String> skus = new LinkedHashSet<>();
        for (String sku : orderSkus) {
            for (LineReservation line : lines.apply(sku, orderId)) {
                if (line.getAllocations().stream().anyMatch(p -> p.getAllocationId().equals(requestId))) {
                    skus.add(sku);
                }
            }
        }
        return skus;
    }
}
