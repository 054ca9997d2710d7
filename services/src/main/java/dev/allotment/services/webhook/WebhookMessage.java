package dev.allotment.services.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.allotment.events.AllocatedLine;
import dev.allotment.events.AllocationEvent;
import dev.allotment.events.AllocationRequested;
import dev.allotment.streams.allocation.PartStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON bodies of the webhooks: {@code allocation_request.created}, built from the event that made the request, and
 * the request's end without an answer ({@link #statusBody}).
 */
final class WebhookMessage {
    static final String TYPE = "allocation_request.created";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String publicUrl;

    /** {@code publicUrl}: where suppliers reach this engine's HTTP edge (answer links are built on it). */
    WebhookMessage(String publicUrl) {
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    }

    byte[] body(AllocationEvent event, AllocationRequested request, String locationName) {
        Map<String, Object> allocation = new LinkedHashMap<>();
        allocation.put("id", request.getAllocationId());
        allocation.put("status", PartStatus.ALLOCATED.wire());
        allocation.put("warehouseId", request.getLocationId());
        allocation.put("warehouseName", locationName);
        allocation.put("expirationDate", request.getExpiresAt() == null ? null : request.getExpiresAt().toString());
        allocation.put("order", Map.of("id", event.getOrderId()));
        List<Map<String, Object>> lines = new ArrayList<>();
        for (AllocatedLine line : request.getLines()) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("lineId", line.getLineId());
            l.put("quantity", line.getQuantity());
            l.put("stockItemId", line.getSku());
            lines.add(l);
        }
        allocation.put("lines", lines);
        allocation.put("createdAt", event.getOccurredAt().toString());

        String requestUrl = publicUrl + "/allocation-requests/" + segment(request.getAllocationId());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("confirm", requestUrl + "/confirm");
        answer.put("reject", requestUrl + "/reject");
        answer.put("supplier", publicUrl + "/orders/allocation/" + segment(event.getOrderId()) + "/");

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE);
        body.put("id", event.getEventId());
        body.put("allocation_request", allocation);
        body.put("answer", answer);
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the webhook of event " + event.getEventId(), e);
        }
    }

    /**
     * The body of a webhook telling a supplier that a request it was sent has ended without its answer: {@code
     * allocation_request.cancelled} (the order or the allocation was cancelled), {@code .outdated} (the order changed so
     * the request no longer stands) or {@code .timed_out} (no answer within the location's confirm timeout).
     */
    byte[] statusBody(AllocationEvent event, String type, String requestId, String status, String locationId,
                      String locationName, String reason) {
        Map<String, Object> allocation = new LinkedHashMap<>();
        allocation.put("id", requestId);
        allocation.put("status", status);
        allocation.put("warehouseId", locationId);
        allocation.put("warehouseName", locationName);
        allocation.put("order", Map.of("id", event.getOrderId()));
        allocation.put("reason", reason);
        allocation.put("updatedAt", event.getOccurredAt().toString());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        body.put("id", event.getEventId());
        body.put("allocation_request", allocation);
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the webhook of event " + event.getEventId(), e);
        }
    }

    /** One URL path segment: percent-encoded, spaces as %20 (URLEncoder encodes forms, where a space is '+'). */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
