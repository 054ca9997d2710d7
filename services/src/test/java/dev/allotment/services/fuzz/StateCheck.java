package dev.allotment.services.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.services.audit.AuditProbe;
import dev.allotment.services.support.Http;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Sets up the fuzz's world (locations, routings, stock) and compares the engine with the model: every order accepted
 * exists with its lines (cancelled when a cancellation was accepted), none refused does; every location and routing is
 * as last accepted; every stock level is what the accepted counts and adjustments make it, less the completions after
 * the last count made while the location tracked stock; the audit finds nothing; and no request answered 4xx left a decision on the log.
 */
public final class StateCheck {
    /** The engine's logs as read at one moment: the decision log, its completions, and the audit's findings (summary last). */
    public record Logs(List<AuditProbe.Decision> decisions, List<AuditProbe.Completion> completions, List<String> audit) {}

    private final Http http;
    private final String admin;
    private final Supplier<Logs> logs;
    private String lastAudit;

    public StateCheck(Http http, String adminAuthorization, Supplier<Logs> logs) {
        this.http = http;
        this.admin = adminAuthorization;
        this.logs = logs;
    }

    /** The world the drafts draw on, set up as admin and put into the model as accepted. */
    public void setUp(FuzzModel model) {
        Instant now = Instant.now();
        put(model, "/locations/" + Drafts.WH1, "{\"name\":\"Fuzz one\"}",
            new Effect.Location(Drafts.WH1, "Fuzz one", "WAREHOUSE", "DIRECT", null, true, null), now);
        put(model, "/locations/" + Drafts.WH2, "{\"name\":\"Fuzz two\",\"kind\":\"STORE\"}",
            new Effect.Location(Drafts.WH2, "Fuzz two", "STORE", "DIRECT", null, true, null), now);
        put(model, "/locations/" + Drafts.SUPPLIER, "{\"name\":\"Fuzz supplier\",\"kind\":\"SUPPLIER\",\"confirm_mode\":\"CONFIRM\","
            + "\"confirm_timeout_seconds\":86400,\"tracks_stock\":false}",
            new Effect.Location(Drafts.SUPPLIER, "Fuzz supplier", "SUPPLIER", "CONFIRM", 86400, false, null), now);
        Drafts.CHANNELS.forEach((channel, locations) -> put(model, "/channels/" + channel + "/routing",
            "{\"locations\":[" + String.join(",", locations.stream().map(l -> "\"" + l + "\"").toList()) + "]}",
            new Effect.Routing(channel, locations), now));
        for (String location : Drafts.WAREHOUSES) {
            for (String sku : Drafts.SKUS) {
                Instant sent = Instant.now();
                put(model, "/stock/" + location + "/" + sku, "{\"physical\":20}", new Effect.SetStock(location, sku, 20, null), sent);
            }
        }
    }

    private void put(FuzzModel model, String path, String body, Effect effect, Instant sentAt) {
        Http.Reply reply = http.send("PUT", path, body, "Authorization", admin);
        if (reply.status() != 200) {
            throw new IllegalStateException("setting up the fuzz: PUT " + path + " answered " + reply.status() + " " + reply.body());
        }
        model.accepted(effect, sentAt);
    }

    /** Every way the engine differs from the model; tried again a few times while the engine may still be settling. */
    public List<String> compare(FuzzModel model, FuzzReport report) {
        List<String> found = new ArrayList<>();
        for (int attempt = 0; attempt < 4; attempt++) {
            sleep(attempt == 0 ? 500 : 3000);
            Logs now = logs.get();
            found.clear();
            orders(model, found);
            locations(model, found);
            stock(model, now.completions(), found);
            List<String> audit = now.audit();
            audit.subList(0, audit.size() - 1).forEach(d -> found.add("the audit: " + d));
            lastAudit = audit.get(audit.size() - 1);
            if (found.isEmpty()) {
                break;
            }
        }
        System.out.println("HTTP fuzz: state compared with the model; " + lastAudit);
        return found;
    }

    private void orders(FuzzModel model, List<String> found) {
        model.orders.forEach((id, lines) -> {
            Http.Reply reply = get("/orders/" + RequestFuzzer.encode(id));
            if (reply.status() != 200) {
                found.add("order " + Text.escape(id) + " was accepted, yet GET answers " + reply.status());
                return;
            }
            List<Effect.Line> live = new ArrayList<>();
            reply.json().path("lines").forEach(l -> live.add(new Effect.Line(l.path("line_id").asText(), l.path("sku").asText(),
                l.path("quantity").asInt())));
            for (JsonNode l : reply.json().path("lines")) {
                boolean cancelledLine = !l.path("cancelled_at").isNull() && !l.path("cancelled_at").isMissingNode();
                if (cancelledLine != model.cancelledLines.contains(id + "/" + l.path("line_id").asText())) {
                    found.add("line " + Text.escape(l.path("line_id").asText()) + " of order " + Text.escape(id) + " is "
                        + (cancelledLine ? "cancelled, yet its cancellation was never accepted" : "open, yet its cancellation was accepted"));
                }
            }
            // a cancelled line's quantity becomes what shipped of it, which the model does not follow
            live.removeIf(l -> model.cancelledLines.contains(id + "/" + l.lineId()));
            List<Effect.Line> expected = lines.stream().filter(l -> !model.cancelledLines.contains(id + "/" + l.lineId())).toList();
            if (!live.equals(expected)) {
                found.add("order " + Text.escape(id) + " has lines " + live + ", the accepted placement and edits " + expected);
            }
            boolean cancelled = reply.json().path("status").asText().equals("cancelled");
            if (cancelled != model.cancelled.contains(id)) {
                found.add("order " + Text.escape(id) + " is " + reply.json().path("status").asText() + ", yet its cancellation was "
                    + (cancelled ? "never accepted" : "accepted"));
            }
        });
        for (String id : model.refusedOrderIds) {
            Http.Reply reply = get("/orders/" + RequestFuzzer.encode(id));
            if (reply.status() != 404) {
                found.add("order " + Text.escape(id) + " was only ever refused, yet GET answers " + reply.status());
            }
        }
    }

    private void locations(FuzzModel model, List<String> found) {
        model.locations.forEach((id, l) -> {
            JsonNode live = get("/locations/" + RequestFuzzer.encode(id)).json();
            Effect.Location seen = new Effect.Location(live.path("id").asText(), live.path("name").textValue(), live.path("kind").asText(),
                live.path("confirm_mode").asText(), live.path("confirm_timeout_seconds").isNull() ? null
                : live.path("confirm_timeout_seconds").asInt(), live.path("tracks_stock").asBoolean(),
                live.path("webhook_url").textValue());
            if (!seen.equals(l)) {
                found.add("location " + Text.escape(id) + " is " + seen + ", last accepted " + l);
            }
        });
        model.routing.forEach((channel, locations) -> {
            List<String> live = new ArrayList<>();
            get("/channels/" + RequestFuzzer.encode(channel) + "/routing").json().path("locations").forEach(l -> live.add(l.asText()));
            if (!live.equals(locations)) {
                found.add("channel " + Text.escape(channel) + " routes to " + live + ", last accepted " + locations);
            }
        });
    }

    private void stock(FuzzModel model, List<AuditProbe.Completion> completions, List<String> found) {
        Map<FuzzModel.Place, Long> live = new HashMap<>();
        String cursor = null;
        do {
            JsonNode page = get("/stock?limit=100" + (cursor == null ? "" : "&cursor=" + RequestFuzzer.encode(cursor))).json();
            page.path("data").forEach(l -> live.put(new FuzzModel.Place(l.path("location_id").asText(), l.path("sku").asText()),
                l.path("physical").asLong()));
            cursor = page.path("next_cursor").textValue();
        } while (cursor != null);
        Set<FuzzModel.Place> places = new HashSet<>(live.keySet());
        places.addAll(model.stock.keySet());
        places:
        for (FuzzModel.Place place : places) {
            FuzzModel.Stock expected = model.stock.get(place);
            long physical = expected == null ? 0 : expected.physical;
            List<FuzzModel.TrackingSwitch> switches = model.trackingSwitches.getOrDefault(place.locationId(), List.of());
            for (AuditProbe.Completion c : completions) {
                if (c.sku().equals(place.sku()) && c.locationId().equals(place.locationId())
                    && (expected == null || expected.countedAt == null || c.at().isAfter(expected.countedAt))) {
                    if (switchedNear(switches, c.at())) {
                        continue places;   // which side of the switch the engine saw the completion on is not known here
                    }
                    if (tracksAt(switches, c.at())) {
                        physical -= c.quantity();   // an untracked location's physical is as counted: shipments leave it
                    }
                }
            }
            long engine = live.getOrDefault(place, 0L);
            if (engine != physical) {
                found.add(Text.escape(place.sku()) + " at " + Text.escape(place.locationId()) + ": physical " + engine
                    + ", the accepted counts and adjustments (less completions) make " + physical);
            }
        }
    }

    /** Whether the location tracked stock at {@code at} as the accepted descriptions say (one never described does). */
    private static boolean tracksAt(List<FuzzModel.TrackingSwitch> switches, Instant at) {
        boolean tracks = true;
        for (FuzzModel.TrackingSwitch s : switches) {
            if (!s.sentAt().isAfter(at)) {
                tracks = s.tracks();
            }
        }
        return tracks;
    }

    /**
     * Whether a change of tracking (not the first description: nothing completes at a location before it) was sent
     * within a few seconds of {@code at}: the engine applied it at some time between the request and its answer.
     */
    private static boolean switchedNear(List<FuzzModel.TrackingSwitch> switches, Instant at) {
        for (int i = 1; i < switches.size(); i++) {
            Instant sent = switches.get(i).sentAt();
            if (!at.isBefore(sent.minusSeconds(1)) && !at.isAfter(sent.plusSeconds(5))) {
                return true;
            }
        }
        return false;
    }

    /** No request refused with a 4xx left a decision other than its rejection on the log; no refused order id is there. */
    public List<String> refusedLeftNothing(FuzzModel model, FuzzReport report) {
        List<String> found = new ArrayList<>();
        Logs now = logs.get();
        for (AuditProbe.Decision d : now.decisions()) {
            if (d.orderId() != null && model.refusedOrderIds.contains(d.orderId())) {
                found.add("order " + Text.escape(d.orderId()) + " was only ever refused, yet the decision log has its " + d.type());
            }
            if (d.commandId() == null || d.type().equals("CommandRejected")) {
                continue;
            }
            // command ids are <caller>~<key>:<part>; the fuzz's own keys have neither '~' nor ':'
            int colon = d.commandId().indexOf(':');
            String scope = colon < 0 ? d.commandId() : d.commandId().substring(0, colon);
            FuzzReport.KeyOutcome outcome = report.keys().get(scope.substring(scope.lastIndexOf('~') + 1));
            if (outcome != null) {
                report.traced();
            }
            if (outcome == null || outcome.status() / 100 != 4) {
                continue;
            }
            if (outcome.acceptedOnRepeat()) {
                // refused at the edge (nothing recorded), then repeated with the key and accepted: the repeat's decision
                continue;
            }
            if (outcome.partsApplied()) {
                report.partialOnLog();
            } else {
                found.add("answered " + outcome.status() + ", yet the decision log has its " + d.type() + " (command "
                    + Text.escape(d.commandId()) + ", order " + Text.escape(d.orderId()) + ")\n" + outcome.description());
            }
        }
        return found;
    }

    private Http.Reply get(String path) {
        return http.send("GET", path, null, "Authorization", admin);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
