package dev.allotment.services.fault;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.services.support.Http;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A supplier with a key scoped to its location: reads its allocation requests (Centra's list) and answers them,
 * either Centra's way (confirm or reject a request) or Crux's (PUT the order's lines, all accepted).
 */
final class SupplierClient extends FaultClient {
    private static final Set<String> PENDING = Set.of("allocated", "sent", "failed");
    private final boolean crux;

    SupplierClient(String name, String apiKey, boolean crux, Http http, long seed, Tally tally, Expected expected,
                   AtomicBoolean stop) {
        super(name, apiKey, http, seed, tally, expected, stop);
        this.crux = crux;
    }

    @Override
    void step() throws InterruptedException {
        List<JsonNode> requests = requests("allocated,sent,failed,timed-out");
        JsonNode request = pick(requests);
        if (request == null) {
            Thread.sleep(200);
        } else if (crux && PENDING.contains(request.path("status").asText())) {
            answerLines(request);
        } else if (!crux) {
            answer(request, random.nextInt(4) == 0 ? "reject" : "confirm");
        }
    }

    /** Its requests with one of {@code statuses} (the first page: 100, oldest first); empty while the engine is away. */
    List<JsonNode> requests(String statuses) {
        JsonNode page = read("/allocation-requests?status=" + statuses);
        List<JsonNode> found = new ArrayList<>();
        if (page != null) {
            page.path("allocation_requests").forEach(found::add);
        }
        return found;
    }

    /** Centra: confirm or reject one request; the engine's reply, null when none came. */
    Http.Reply answer(JsonNode request, String verb) throws InterruptedException {
        String id = request.path("id").asText();
        String key = newKey();
        String body = verb.equals("reject") ? "{\"reason\":\"fault suite\"}" : null;
        Http.Reply reply = write(verb, "POST", "/allocation-requests/" + id + "/" + verb, body, key);
        if (reply != null && reply.status() / 100 == 2) {
            expected.answers.add(new Expected.Answer(key, verb, id, request.path("order").path("id").asText(), true));
        }
        return reply;
    }

    /** Crux: every line of the request accepted in full. */
    private void answerLines(JsonNode request) throws InterruptedException {
        String orderId = request.path("order").path("id").asText();
        StringBuilder items = new StringBuilder();
        for (JsonNode line : request.path("lines")) {
            items.append(items.length() == 0 ? "" : ",").append(String.format("{\"line_item_uuid\":\"%s\",\"allocation\":"
                + "{\"quantity_accepted\":%d,\"quantity_rejected\":0,\"quantity_backordered\":0}}",
                line.path("lineId").asText(), line.path("quantity").asInt()));
        }
        String key = newKey();
        Http.Reply reply = write("crux", "PUT", "/orders/allocation/" + orderId + "/", "{\"line_items\":[" + items + "]}", key);
        if (reply != null && reply.status() / 100 == 2) {
            boolean allocated = false;
            for (JsonNode line : reply.json()) {
                allocated |= line.toString().contains("\"Allocated\"");
            }
            expected.answers.add(new Expected.Answer(key, "crux", request.path("id").asText(), orderId, allocated));
        }
    }

    /** Confirms every pending request until none is left (a quiet engine expires none); how many were answered. */
    int confirmPending() throws InterruptedException {
        int answered = 0;
        Map<String, String> lastReplies = new LinkedHashMap<>();   // of the last round, by request
        for (int round = 0; round < 20; round++) {
            JsonNode page = read("/allocation-requests?status=allocated,sent,failed");
            if (page == null) {
                Thread.sleep(500);   // not answered (a 503): ask again
                continue;
            }
            if (page.path("allocation_requests").isEmpty()) {
                return answered;
            }
            lastReplies.clear();
            for (JsonNode request : page.path("allocation_requests")) {
                Http.Reply reply = answer(request, "confirm");
                lastReplies.put(request.path("id").asText() + " of " + request.path("order").path("id").asText(),
                    reply == null ? "no reply" : reply.status() + " " + abbreviated(reply.body()));
                answered++;
            }
        }
        // what the engine last answered each one says why (a refusal's code and message), without reading the log
        tally.failed(name + ": requests still pending after 20 rounds of confirming them; the last round's replies: "
            + lastReplies);
        return answered;
    }

    private static String abbreviated(String body) {
        return body == null ? "" : body.length() <= 300 ? body : body.substring(0, 300) + "…";
    }
}
