package dev.allotment.streams.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.CommandGroup;
import dev.allotment.events.GroupMember;
import dev.allotment.events.GroupState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CommandGroupsTest {
    private static GroupState group() {
        CommandGroup g = new CommandGroup("k:group", "A", List.of(new GroupMember("A", "k:a"), new GroupMember("B", "k:b"),
            new GroupMember("C", "k:c")));
        return CommandGroups.open(g, "o-1", "platform-1", Instant.parse("2026-12-01T00:00:30Z"));
    }

    @Test
    void everyPartPreparedCommits() {
        GroupState g = group();
        assertEquals(Optional.empty(), CommandGroups.vote(g, "k:b", true, null, null));
        assertEquals(Optional.empty(), CommandGroups.vote(g, "k:b", true, null, null), "a vote counted twice is one vote");
        assertEquals(Optional.empty(), CommandGroups.vote(g, "k:x", true, null, null), "not a member: ignored");
        assertEquals(Optional.empty(), CommandGroups.vote(g, "k:a", true, null, null));
        CommandGroups.Verdict v = CommandGroups.vote(g, "k:c", true, null, null).orElseThrow();
        assertTrue(v.commit());
    }

    @Test
    void onePartRefusedAbortsAllAtOnceWithItsCodeAndSku() {
        GroupState g = group();
        CommandGroups.vote(g, "k:a", true, null, null);
        CommandGroups.Verdict v = CommandGroups.vote(g, "k:b", false, "insufficient_stock", "only 1 of B available").orElseThrow();
        assertFalse(v.commit());
        assertEquals("insufficient_stock", v.code());
        assertTrue(v.reason().contains("SKU B") && v.reason().contains("only 1 of B available"), v.reason());
    }

    @Test
    void aDeadlineAbortsNamingTheSilentParts() {
        GroupState g = group();
        CommandGroups.vote(g, "k:a", true, null, null);
        CommandGroups.Verdict v = CommandGroups.timedOut(g);
        assertFalse(v.commit());
        assertEquals("command_timed_out", v.code());
        assertTrue(v.reason().contains("[B, C]"), v.reason());
    }
}
