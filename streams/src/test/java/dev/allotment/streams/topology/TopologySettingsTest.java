package dev.allotment.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.allotment.streams.order.Limits;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Order history is kept as long as the order unless a retention is set, and a retention set is some time. */
class TopologySettingsTest {
    @Test
    void orderHistoryIsKeptAsLongAsTheOrderUnlessARetentionIsSet() {
        assertNull(TopologySettings.DEFAULTS.orderHistoryRetention());
        assertNull(new TopologySettings(Limits.DEFAULTS, Duration.ofHours(1)).orderHistoryRetention());
        TopologySettings thirtyDays = TopologySettings.DEFAULTS.withOrderHistoryRetention(Duration.ofDays(30));
        assertEquals(Duration.ofDays(30), thirtyDays.orderHistoryRetention());
        assertEquals(Duration.ofDays(30), thirtyDays.withLimits(Limits.DEFAULTS).orderHistoryRetention(), "kept by withLimits");
        assertNull(thirtyDays.withOrderHistoryRetention(null).orderHistoryRetention());
    }

    @Test
    void aRetentionOfNoTimeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> TopologySettings.DEFAULTS.withOrderHistoryRetention(Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
            () -> TopologySettings.DEFAULTS.withOrderHistoryRetention(Duration.ofMinutes(-1)));
    }

    @Test
    void aCommandGroupWaitsThirtySecondsUnlessSetAndSomeTimeWhenSet() {
        assertEquals(Duration.ofSeconds(30), TopologySettings.DEFAULTS.commandGroupTimeout());
        TopologySettings tenSeconds = TopologySettings.DEFAULTS.withCommandGroupTimeout(Duration.ofSeconds(10));
        assertEquals(Duration.ofSeconds(10), tenSeconds.withOrderHistoryRetention(Duration.ofDays(1)).withLimits(Limits.DEFAULTS)
            .commandGroupTimeout(), "kept by the other withers");
        assertThrows(IllegalArgumentException.class, () -> TopologySettings.DEFAULTS.withCommandGroupTimeout(Duration.ZERO));
    }
}
