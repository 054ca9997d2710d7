package dev.allotment.services.fuzz;

import java.util.List;

/**
 * What a request changes if the engine accepts it (answers 2xx), read from what was sent the way docs/api.md says the
 * engine reads it: the model of accepted state is built from these. {@link Refused}: what the contract refuses whatever
 * the engine's state (no key, a role not allowed, a quantity that is not a whole number…): a 2xx to it is a finding.
 */
public sealed interface Effect {
    Effect NONE = new None();

    /** A read, or a write the model does not follow (allocation commands: the decision log and the audit check those). */
    record None() implements Effect {}

    record Refused(String why) implements Effect {}

    record Line(String lineId, String sku, int quantity) {}

    record PlaceOrder(String orderId, List<Line> lines) implements Effect {}

    record CancelOrder(String orderId) implements Effect {}

    /** A line added ({@code sku} set), its quantity changed, or it cancelled ({@code quantity} null). */
    record EditLine(String orderId, String lineId, String sku, Integer quantity) implements Effect {}

    /** {@code incoming} null: left as it was. */
    record SetStock(String locationId, String sku, int physical, Integer incoming) implements Effect {}

    record Adjustment(String locationId, String sku, int delta) {}

    record Adjust(List<Adjustment> adjustments) implements Effect {}

    record Location(String id, String name, String kind, String confirmMode, Integer confirmTimeoutSeconds, boolean tracksStock,
                    String webhookUrl) implements Effect {}

    record Routing(String channel, List<String> locations) implements Effect {}

    /** An allocation command (Veeqo, Envoy, Crux, confirm, reject) on an order: followed through the decision log. */
    record Command(String orderId) implements Effect {}
}
