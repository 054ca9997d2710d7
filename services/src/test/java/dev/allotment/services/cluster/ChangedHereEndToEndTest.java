package dev.allotment.services.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.schemas.Topics;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TestEngine;
import dev.allotment.streams.state.EngineState;
import dev.allotment.streams.state.StoreNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each key is changed on exactly one instance of two (the one running the active copy of its partition): where a wait
 * is told of changes by this instance's processors, and reads less often without a signal, and where not, and keeps
 * reading every 20 ms ({@code Polling}). Alone, an instance changes every key.
 */
@ExtendWith(RealInfrastructure.class)
class ChangedHereEndToEndTest {
    static final Topics TOPICS = Topics.withPrefix("e2e-changed-here.");

    @Test
    void everyKeyIsChangedOnExactlyOneOfTwoInstancesAndOnTheOneAlone() throws Exception {
        List<String> skus = IntStream.range(0, 40).mapToObj(i -> "SKU-" + i).toList();
        try (TestEngine first = TestEngine.start(TOPICS.prefix(), Map.of())) {
            EngineState one = first.context().getBean(EngineState.class);
            await().atMost(Duration.ofSeconds(60)).until(() ->
                skus.stream().allMatch(sku -> one.changedHere(StoreNames.COMMAND_OUTCOMES, sku)));
            try (TestEngine second = TestEngine.start(TOPICS.prefix(), Map.of())) {
                EngineState two = second.context().getBean(EngineState.class);
                await().atMost(Duration.ofSeconds(90)).until(() -> skus.stream().allMatch(sku ->
                    one.changedHere(StoreNames.COMMAND_OUTCOMES, sku) != two.changedHere(StoreNames.COMMAND_OUTCOMES, sku)));
                long here = skus.stream().filter(sku -> one.changedHere(StoreNames.COMMAND_OUTCOMES, sku)).count();
                assertTrue(here > 0 && here < skus.size(), "the partitions are shared: " + here + " of " + skus.size());
                for (String order : List.of("o-1", "o-2", "o-3", "o-4", "o-5", "o-6")) {
                    assertEquals(1, (one.changedHere(StoreNames.ORDERS, order) ? 1 : 0) + (two.changedHere(StoreNames.ORDERS, order) ? 1 : 0),
                        order);
                }
            }
        }
    }
}
