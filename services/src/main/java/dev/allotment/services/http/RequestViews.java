package dev.allotment.services.http;

import dev.allotment.events.AllocationProjection;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.ProjectedAllocationLine;
import dev.allotment.streams.allocation.PartStatus;
import dev.allotment.streams.state.EngineState;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/** Centra's allocation request shape, with the engine's own fields beside it (snake_case ones are additions). */
public final class RequestViews {
    private static final DateTimeFormatter CENTRA_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx").withZone(ZoneOffset.UTC);

    private RequestViews() {}

    public static Map<String, Object> centra(EngineState state, OrderProjection order, AllocationProjection a) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", a.getAllocationId());
        view.put("status", a.getStatus());
        view.put("warehouseId", a.getLocationId());
        view.put("warehouseName", state.location(a.getLocationId()).map(l -> l.getName()).orElse(null));
        view.put("expirationDate", time(a.getExpiresAt()));
        Map<String, Object> orderView = new LinkedHashMap<>();
        orderView.put("id", order.getOrderId());
        orderView.put("number", order.getOrderNumber());
        view.put("order", orderView);
        view.put("lines", a.getLines().stream().map(RequestViews::line).toList());
        view.put("createdAt", time(a.getCreatedAt()));
        view.put("reason", a.getReason());
        view.put("send_attempts", a.getSendAttempts());
        return view;
    }

    private static Map<String, Object> line(ProjectedAllocationLine l) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("lineId", l.getLineId());
        view.put("quantity", l.getQuantity());
        view.put("stockItemId", l.getSku());
        view.put("status", l.getCompleted() ? PartStatus.COMPLETED.wire() : l.getStatus());
        view.put("backordered_quantity", l.getBackorderedQuantity());
        view.put("rejected_quantity", l.getRejectedQuantity());
        view.put("backorder_date", l.getBackorderDate());
        supplierDocuments(view, l);
        return view;
    }

    /**
     * What the supplier said of a request line when it answered, in Crux's names: PO and invoice numbers, and the SKU
     * cost as a JSON number written exactly as the engine keeps it (12.50, 1E+400); null until an answer gives them.
     */
    static void supplierDocuments(Map<String, Object> view, ProjectedAllocationLine l) {
        view.put("supplier_provided_po_number", l.getSupplierPoNumber());
        view.put("supplier_provided_invoice_number", l.getSupplierInvoiceNumber());
        view.put("supplier_provided_sku_cost", l.getSupplierSkuCost() == null ? null : new BigDecimal(l.getSupplierSkuCost()));
    }

    static String time(Instant at) {
        return at == null ? null : CENTRA_TIME.format(at);
    }
}
