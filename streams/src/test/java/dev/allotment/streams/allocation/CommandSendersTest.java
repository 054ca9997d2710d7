package dev.allotment.streams.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocateLines;
import dev.allotment.events.Command;
import dev.allotment.events.ReserveLine;
import dev.allotment.events.ShardGrant;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class CommandSendersTest {
    /** The names of the Command payload union's records, from the schema itself: a payload added there shows here. */
    private static Set<String> unionMembers() {
        return Command.getClassSchema().getField("payload").schema().getTypes().stream()
            .filter(s -> s.getType() == Schema.Type.RECORD).map(Schema::getFullName).collect(Collectors.toSet());
    }

    private static Set<String> names(Set<Class<?>> classes) {
        return classes.stream().map(Class::getName).collect(Collectors.toSet());
    }

    @Test
    void everyPayloadOfTheCommandUnionHasExactlyOneSender() {
        Set<String> platform = names(CommandSenders.PLATFORM);
        Set<String> engine = names(CommandSenders.ENGINE);
        Set<String> both = new HashSet<>(platform);
        both.retainAll(engine);
        assertEquals(Set.of(), both, "a payload is either a platform's or the engine's");
        Set<String> placed = new HashSet<>(platform);
        placed.addAll(engine);
        assertEquals(unionMembers(), placed, "each payload of the union placed in one set, and nothing else");
    }

    @Test
    void theEnginesOwnPayloadsAreEngineOnlyAndAPlatformsAreNot() {
        assertTrue(CommandSenders.engineOnly(new ShardGrant(1, "wh", 5)));
        assertTrue(CommandSenders.engineOnly(new ReserveLine("l-1", "SKU", 1, "web", 0, Instant.EPOCH, null, null, false, null)));
        assertFalse(CommandSenders.engineOnly(new AllocateLines("wh", List.of(), "al-1")));
        assertFalse(CommandSenders.engineOnly(null));
    }
}
