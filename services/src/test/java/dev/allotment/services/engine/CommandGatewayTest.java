package dev.allotment.services.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.allotment.events.Command;
import dev.allotment.events.ConfirmAllocationRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * How the gateway names the parts of one call and which outcomes answer it: parts of two SKUs or more go as one group,
 * and a retry whose parts are not its first call's is answered by the first call, never by a new group over the rest.
 */
class CommandGatewayTest {
    private static Map.Entry<String, Command> part(String sku) {
        return Map.entry(sku, new Command("k:confirm:r:" + sku, Instant.EPOCH, "supplier", "o-1", new ConfirmAllocationRequest("r"), null));
    }

    private static List<String> ids(List<Map.Entry<String, Command>> parts) {
        return parts.stream().map(c -> c.getValue().getCommandId()).toList();
    }

    @Test
    void twoSkusGoAsOneGroupCoordinatedByTheFirstSkuAndOneDoesNot() {
        List<Map.Entry<String, Command>> parts = CommandGateway.grouped(List.of(part("F-5"), part("F-3")));
        assertEquals("F-3", parts.get(0).getValue().getGroup().getCoordinator());
        assertEquals("k:confirm:r:F-3:group", parts.get(1).getValue().getGroup().getGroupId(), "a retry joins the same group");
        assertNotNull(parts.get(1).getValue().getGroup());
        assertNull(CommandGateway.grouped(List.of(part("F-5"))).get(0).getValue().getGroup());
    }

    @Test
    void aRetryWhoseFirstCallHadFewerPartsIsAnsweredByTheFirstCall() {
        List<Map.Entry<String, Command>> parts = CommandGateway.grouped(List.of(part("F-5"), part("F-3")));
        // the first call went to F-5 alone and was decided there; F-3's part is new, its group never decided
        assertEquals(List.of("k:confirm:r:F-5"), ids(CommandGateway.answeredBy(parts, Set.of("k:confirm:r:F-5"), false)));
    }

    @Test
    void aGroupInFlightOrDecidedIsAnsweredByAllItsParts() {
        List<Map.Entry<String, Command>> parts = CommandGateway.grouped(List.of(part("F-5"), part("F-3")));
        List<String> all = ids(parts);
        assertEquals(all, ids(CommandGateway.answeredBy(parts, Set.of(), false)), "nothing decided: a first call, or one in flight");
        assertEquals(all, ids(CommandGateway.answeredBy(parts, Set.of("k:confirm:r:F-5"), true)),
            "the group decided, its other part still deciding");
        assertEquals(all, ids(CommandGateway.answeredBy(parts, Set.copyOf(all), false)));
    }
}
