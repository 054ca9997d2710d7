package dev.allotment.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.allotment.streams.order.Limits;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AnswerCommitsTest {
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final AtomicInteger asked = new AtomicInteger();

    private AnswerCommits commits(long gapMs) {
        return new AnswerCommits(asked::incrementAndGet, Duration.ofMillis(gapMs), clock::get);
    }

    @Test
    void theFirstOutcomeAfterAQuietSpellAsksAtOnce() {
        AnswerCommits commits = commits(10);
        commits.kept();
        assertEquals(1, asked.get(), "nothing was asked before: the outcome need not wait");
        clock.addAndGet(10);
        commits.kept();
        assertEquals(2, asked.get(), "a gap after the last ask: at once again");
    }

    @Test
    void outcomesWithinTheGapAskTogetherAtTheNextTick() {
        AnswerCommits commits = commits(10);
        commits.kept();
        clock.addAndGet(3);
        commits.kept();
        commits.kept();
        assertEquals(1, asked.get(), "within the gap of the last ask: no new ask yet");
        clock.addAndGet(4);
        commits.tick(clock.get());
        assertEquals(1, asked.get(), "a tick within the gap waits too");
        clock.addAndGet(3);
        commits.tick(clock.get());
        assertEquals(2, asked.get(), "the first tick a gap after the ask asks once for both");
        commits.tick(clock.get() + 10);
        assertEquals(2, asked.get(), "nothing kept since: a tick asks nothing");
        clock.addAndGet(5);
        commits.kept();
        assertEquals(2, asked.get(), "the tick's ask counts as the last one");
        assertEquals(Duration.ofMillis(5), commits.tickEvery(), "ticks every half gap");
    }

    @Test
    void aBurstOfOutcomesAsksAtMostOnceAGapWhateverTheirRate() {
        AnswerCommits commits = commits(10);
        for (int ms = 0; ms < 1_000; ms++) {
            for (int i = 0; i < 5; i++) {
                commits.kept();
            }
            if (ms % 10 == 0) {
                commits.tick(clock.get());
            }
            clock.incrementAndGet();
        }
        assertEquals(100, asked.get(), 5_000.0 / asked.get() + " outcomes per commit asked for");
    }

    @Test
    void aGapOfZeroNeverAsks() {
        AnswerCommits commits = commits(0);
        assertFalse(commits.asking());
        commits.kept();
        commits.tick(clock.get());
        assertEquals(0, asked.get());
    }

    @Test
    void theSettingIsZeroOrMore() {
        TopologySettings settings = TopologySettings.DEFAULTS;
        assertEquals(Duration.ZERO, settings.answerCommitGap(), "off unless set");
        TopologySettings asking = settings.withAnswerCommitGap(Duration.ofMillis(25));
        assertEquals(Duration.ofMillis(25), asking.answerCommitGap());
        assertThrows(IllegalArgumentException.class, () -> settings.withAnswerCommitGap(Duration.ofMillis(-1)));
        assertEquals(Duration.ofMillis(25), asking.withLimits(Limits.DEFAULTS).answerCommitGap(), "kept by the other setters");
    }
}
