package dev.allotment.services.fault;

import dev.allotment.services.auth.ApiKeys;
import dev.allotment.services.auth.Role;
import dev.allotment.services.http.IdempotencyKeys;
import dev.allotment.services.support.Http;
import dev.allotment.streams.allocation.AllocationIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A commerce platform: places orders (auto-routed on "web" and "drop", waiting for a manual allocation on "manual"),
 * adjusts stock, allocates manual orders' lines (Veeqo's or Envoy's route), completes those allocations and cancels
 * orders, each write with its own Idempotency-Key.
 */
final class PlatformClient extends FaultClient {
    private final List<Expected.Order> orders = new ArrayList<>();
    private final Map<String, Integer> unallocated = new HashMap<>();   // orderId/lineId of manual orders → left to allocate
    private final List<Expected.Manual> open = new ArrayList<>();       // manual allocations not completed
    private int placed;

    PlatformClient(String name, String apiKey, Http http, long seed, Tally tally, Expected expected, AtomicBoolean stop) {
        super(name, apiKey, http, seed, tally, expected, stop);
    }

    @Override
    void step() throws InterruptedException {
        int dice = random.nextInt(100);
        if (dice < 35) {
            place();
        } else if (dice < 55) {
            adjust();
        } else if (dice < 77) {
            allocate();
        } else if (dice < 92) {
            complete();
        } else {
            cancel();
        }
    }

    private void place() throws InterruptedException {
        String orderId = name + "-o" + (++placed);
        int dice = random.nextInt(100);
        String channel = dice < 45 ? "web" : dice < 65 ? "drop" : "manual";
        List<String> skus = new ArrayList<>(FaultSuiteIT.SKUS);
        java.util.Collections.shuffle(skus, random);
        List<Expected.Line> lines = new ArrayList<>();
        StringBuilder json = new StringBuilder();
        for (int i = 0; i < 1 + random.nextInt(2); i++) {
            Expected.Line line = new Expected.Line("l-" + i, skus.get(i), 1 + random.nextInt(3));
            lines.add(line);
            json.append(i == 0 ? "" : ",").append(String.format("{\"line_id\":\"%s\",\"sku\":\"%s\",\"quantity\":%d}",
                line.lineId(), line.sku(), line.quantity()));
        }
        Http.Reply reply = write("order", "POST", "/orders", String.format("{\"order_id\":\"%s\",\"channel\":\"%s\",\"lines\":[%s]}",
            orderId, channel, json), newKey());
        if (reply != null && reply.status() / 100 == 2) {
            Expected.Order order = new Expected.Order(orderId, channel, List.copyOf(lines));
            expected.placed.put(orderId, order);
            orders.add(order);
            if (channel.equals("manual")) {
                lines.forEach(l -> unallocated.put(orderId + "/" + l.lineId(), l.quantity()));
            }
        }
    }

    private void adjust() throws InterruptedException {
        String sku = pick(FaultSuiteIT.SKUS);
        String location = pick(FaultSuiteIT.WAREHOUSES);
        int delta = random.nextInt(4) == 0 ? -(1 + random.nextInt(3)) : 1 + random.nextInt(5);
        Http.Reply reply = write("adjust", "POST", "/stock/adjustments", String.format("{\"adjustments\":[{\"location_id\":\"%s\","
            + "\"sku\":\"%s\",\"delta\":%d,\"reason\":\"fault suite\"}]}", location, sku, delta), newKey());
        if (reply != null && reply.status() / 100 == 2) {
            expected.adjusted(sku, location, delta);
        }
    }

    /** A manual order's line, or part of it, at a warehouse: Veeqo's route or Envoy's, one SKU per call. */
    private void allocate() throws InterruptedException {
        String slot = pick(unallocated.keySet().stream().sorted().toList());
        if (slot == null) {
            return;
        }
        String orderId = slot.substring(0, slot.indexOf('/'));
        Expected.Order order = expected.placed.get(orderId);
        Expected.Line line = order.lines().stream().filter(l -> slot.endsWith("/" + l.lineId())).findFirst().orElseThrow();
        int quantity = 1 + random.nextInt(unallocated.get(slot));
        String location = pick(FaultSuiteIT.WAREHOUSES);
        String key = newKey();
        boolean veeqo = random.nextBoolean();
        Http.Reply reply = veeqo
            ? write("veeqo", "POST", "/orders/" + orderId + "/allocations", String.format("{\"allocation\":{\"warehouse_id\":\"%s\","
                + "\"line_items_attributes\":[{\"sellable_id\":\"%s\",\"quantity\":%d}]}}", location, line.sku(), quantity), key)
            : write("envoy", "POST", "/allocations/orders/" + orderId, String.format("{\"allocations\":[{\"location\":{\"id\":\"%s\"},"
                + "\"items\":[{\"id\":\"%s\",\"quantity\":%d}]}]}", location, line.sku(), quantity), key);
        if (reply != null && reply.status() / 100 == 2) {
            String scope = IdempotencyKeys.scope(ApiKeys.name(Role.PLATFORM, apiKey), key);   // as the edge names the command
            String allocationId = veeqo ? AllocationIds.derive(orderId, scope) : AllocationIds.derive(orderId, scope, "0");
            Expected.Manual manual = new Expected.Manual(key, allocationId, orderId, line.sku(), location, quantity);
            expected.allocations.put(key, manual);
            open.add(manual);
            unallocated.merge(slot, -quantity, Integer::sum);
            unallocated.remove(slot, 0);
        } else if (reply != null && reply.status() == 409) {
            unallocated.remove(slot);   // no stock there now, or the order was cancelled: try others
        }
    }

    /** Completes a manual allocation (Envoy PATCH with completed_at): physical and allocated drop together. */
    private void complete() throws InterruptedException {
        Expected.Manual manual = pick(open);
        if (manual == null) {
            return;
        }
        open.remove(manual);
        String key = newKey();
        String body = String.format("{\"allocations\":[{\"id\":\"%s\",\"completed_at\":\"%s\"}]}", manual.allocationId(),
            Instant.now());
        Http.Reply reply = write("complete", "PATCH", "/allocations/orders/" + manual.orderId(), body, key);
        if (reply != null && reply.status() / 100 == 2) {
            expected.completions.put(key, new Expected.Completion(key, manual.allocationId(), manual.sku(), manual.location(),
                manual.quantity()));
        }
    }

    private void cancel() throws InterruptedException {
        Expected.Order order = pick(orders);
        if (order == null) {
            return;
        }
        orders.remove(order);
        order.lines().forEach(l -> unallocated.remove(order.orderId() + "/" + l.lineId()));
        open.removeIf(m -> m.orderId().equals(order.orderId()));
        Http.Reply reply = write("cancel", "POST", "/orders/" + order.orderId() + "/cancel", "{\"reason\":\"fault suite\"}", newKey());
        if (reply != null && reply.status() / 100 == 2) {
            expected.cancelled.add(order.orderId());
        }
    }
}
