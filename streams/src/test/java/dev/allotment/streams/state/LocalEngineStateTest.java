package dev.allotment.streams.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.schemas.Topics;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.junit.jupiter.api.Test;

/** How the query port answers while the engine cannot: starting, or a store moving in a rebalance. */
class LocalEngineStateTest {
    @Test
    void aStoreThatIsMovingIsAskedAgainUntilItAnswers() {
        AtomicInteger attempts = new AtomicInteger();
        String answer = LocalEngineState.retrying(Duration.ofSeconds(5), "orders", () -> {
            if (attempts.incrementAndGet() < 3) {
                throw new InvalidStateStoreException("the state store, orders, may have migrated to another instance");
            }
            return "o-1";
        });

        assertEquals("o-1", answer);
        assertEquals(3, attempts.get());
    }

    @Test
    void aStoreStillMovingAfterTheBoundIsUnavailableNamingTheStore() {
        AtomicInteger attempts = new AtomicInteger();
        long started = System.nanoTime();
        EngineUnavailableException e = assertThrows(EngineUnavailableException.class, () ->
            LocalEngineState.retrying(Duration.ofMillis(100), "sku-stock", () -> {
                attempts.incrementAndGet();
                throw new InvalidStateStoreException("rebalancing");
            }));

        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertTrue(e.getMessage().contains("sku-stock") && e.getMessage().contains("rebalancing"), e.getMessage());
        assertTrue(attempts.get() > 1, "asked again before giving up: " + attempts.get());
        assertTrue(tookMs >= 100, "gave up only after the bound: " + tookMs + " ms");
    }

    @Test
    void anotherFailureIsNotRetried() {
        AtomicInteger attempts = new AtomicInteger();
        assertThrows(IllegalStateException.class, () -> LocalEngineState.retrying(Duration.ofSeconds(5), "orders", () -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("a bug, not a rebalance");
        }));
        assertEquals(1, attempts.get());
    }

    @Test
    void anEngineThatHasNotStartedIsUnavailable() {
        LocalEngineState state = new LocalEngineState(EngineClients.of(() -> null), new StoreHandles(), new StoreChanges(), Topics.defaults(), null, Duration.ofSeconds(5));

        EngineUnavailableException e = assertThrows(EngineUnavailableException.class, () -> state.order("o-1"));
        assertTrue(e.getMessage().contains("starting"), e.getMessage());
        assertThrows(EngineUnavailableException.class, () -> state.stock("S1"));
    }
}
