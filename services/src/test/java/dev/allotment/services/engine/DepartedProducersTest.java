package dev.allotment.services.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DepartedProducersTest {
    static final String LIVE = "56d185ad-ce66-477b-b005-1efbaea30d60";
    static final String OTHER_LIVE = "0b0a7c55-1111-4222-8333-944455556666";
    static final String GONE = "deadbeef-aaaa-4bbb-8ccc-dddddddddddd";
    final DepartedProducers producers = new DepartedProducers("shop-engine");

    @Test
    void anOngoingTransactionOfAProcessNoMemberShowsIsDeparted() {
        DepartedProducers.Judgement j = producers.judge(
            List.of("shop-engine-" + GONE + "-1", "shop-engine-" + LIVE + "-1", "shop-engine-" + OTHER_LIVE + "-2"),
            List.of(client(LIVE, 1), client(OTHER_LIVE, 1), client(OTHER_LIVE, 2)), LIVE);
        assertEquals(List.of("shop-engine-" + GONE + "-1"), j.departed());
        assertEquals(Optional.empty(), j.cannotJudge());
    }

    @Test
    void transactionsOfOtherApplicationsOrShapesAreNeverNamed() {
        DepartedProducers.Judgement j = producers.judge(
            List.of("other-engine-" + GONE + "-1", "shop-engine-edge", "shop-engine-" + GONE + "-x", "shop-engine-2-" + GONE + "-1"),
            List.of(client(LIVE, 1)), LIVE);
        assertEquals(List.of(), j.departed());
    }

    @Test
    void aMemberWhoseClientIdDoesNotNameItsProcessStopsTheJudgement() {
        DepartedProducers.Judgement j = producers.judge(List.of("shop-engine-" + GONE + "-1"),
            List.of(client(LIVE, 1), "my-own-client-id-StreamThread-1-consumer"), LIVE);
        assertEquals(List.of(), j.departed(), "with client.id set by hand, every live instance would look departed");
        assertTrue(j.cannotJudge().orElseThrow().contains("my-own-client-id"), j.toString());
    }

    @Test
    void anInstanceThatIsNotAMemberItselfJudgesNobody() {
        DepartedProducers.Judgement j = producers.judge(List.of("shop-engine-" + GONE + "-1"), List.of(client(OTHER_LIVE, 1)), LIVE);
        assertEquals(List.of(), j.departed(), "it may be the one the group expired");
        assertTrue(j.cannotJudge().isPresent());
        assertEquals(List.of(), producers.judge(List.of("shop-engine-" + GONE + "-1"), List.of(), LIVE).departed(),
            "an empty or unknown group names nobody");
    }

    @Test
    void theProcessOfAClientIdIsReadOnlyFromAStreamThreadConsumer() {
        assertEquals(Optional.of(LIVE), producers.processOfClient(client(LIVE, 3)));
        assertEquals(Optional.empty(), producers.processOfClient("shop-engine-" + LIVE + "-StreamThread-3-restore-consumer"));
        assertEquals(Optional.empty(), producers.processOfClient("shop-engine-" + LIVE + "-GlobalStreamThread-global-consumer"));
    }

    private static String client(String process, int thread) {
        return "shop-engine-" + process + "-StreamThread-" + thread + "-consumer";
    }
}
