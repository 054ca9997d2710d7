package dev.allotment.streams.topology;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Asks Kafka Streams to commit soon after a client's command is decided, rather than at the next commit interval.
 * Every command answer is a committed answer (the edge answers once the transaction that holds the outcome has
 * committed), so the interval (50 ms as shipped) was most of a supplier's confirm or a manual allocation: the outcome
 * waited for it in the task, then for the commit. A request ({@code ProcessorContext.commit()}) makes the stream thread
 * commit every task it runs after the records it is processing, one transaction as always.
 *
 * <p>Commits are not free (a transaction's markers on every partition it wrote, the stores' commit), and Kafka Streams
 * processes fewer records between commits the more often it commits, so requests are spaced: the first outcome kept
 * after {@code gap} without a request asks at once; outcomes kept within {@code gap} of it ask together at the first
 * {@link #tick} a gap after it (a wall-clock punctuation every half gap). Each SKU task asks on its own, and the
 * thread commits once for every ask made while it processed, so answers add at most one commit per task every
 * {@code gap} to the interval's (fewer, as asks coincide), whatever the rate of commands; an outcome waits at most one
 * and a half gaps for its ask; and the engine's own records (a placed order's lines) never ask. The steps of a command
 * over several SKUs (a part's vote, the coordinator's verdict) ask too: each waits for a commit to reach the next SKU.
 *
 * <p>Off by default ({@code allotment.commands.answer-commit-gap}): measured at the shipped 50 ms interval on two cores
 * shared with the broker, a 10 ms gap doubled a supplier confirm's p50 (a commit there is several broker round trips,
 * and Kafka Streams halves the records it processes between commits after each one), and 30 ms was within noise.
 * It pays where a commit is cheap against the interval: a long interval chosen for throughput, a remote broker.
 */
final class AnswerCommits {
    private final Runnable commit;
    private final long gapMs;
    private final LongSupplier clock;
    private long requestedAt;
    private boolean pending;

    /** {@code commit}: asks for a commit; {@code gap}: the least time between two asks (zero: never ask). */
    AnswerCommits(Runnable commit, Duration gap, LongSupplier clock) {
        this.commit = commit;
        this.gapMs = gap.toMillis();
        this.clock = clock;
        this.requestedAt = clock.getAsLong() - gapMs;
    }

    /** Whether answers ask for commits at all (a gap of zero leaves them to the commit interval). */
    boolean asking() {
        return gapMs > 0;
    }

    /** How often {@link #tick} runs: every half gap. */
    Duration tickEvery() {
        return Duration.ofMillis(Math.max(1, gapMs / 2));
    }

    /** An outcome a client may wait for was kept: asks for a commit now, or at the next tick if one was asked lately. */
    void kept() {
        if (!asking()) {
            return;
        }
        long now = clock.getAsLong();
        if (now - requestedAt >= gapMs) {
            ask(now);
        } else {
            pending = true;
        }
    }

    /** The punctuation: asks for the commit that outcomes kept since the last ask wait for, once a gap has passed. */
    void tick(long now) {
        if (pending && now - requestedAt >= gapMs) {
            ask(now);
        }
    }

    private void ask(long now) {
        commit.run();
        requestedAt = now;
        pending = false;
    }
}
