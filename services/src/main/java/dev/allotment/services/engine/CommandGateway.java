package dev.allotment.services.engine;

import dev.allotment.events.Command;
import dev.allotment.events.CommandGroup;
import dev.allotment.events.CommandOutcome;
import dev.allotment.events.GroupMember;
import dev.allotment.events.StockEvent;
import dev.allotment.streams.allocation.ShardPlan;
import dev.allotment.streams.order.Limits;
import dev.allotment.streams.state.EngineState;
import dev.allotment.streams.state.StoreNames;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Sends commands (and stock changes) to the partitions that decide them and answers, as futures, with their outcomes
 * in the command-outcomes stores, awaited a bounded time without a thread. A command id already decided is not sent again:
 * its first outcome is the answer (idempotency across retries of the same Idempotency-Key).
 */
@Singleton
public class CommandGateway {
    private final EventPublisher publisher;
    private final EngineState state;
    private final CommitWatch commits;
    private final Duration timeout;

    private final Limits limits;
    private final ShardPlan shards;
    private final LaterWaits later;

    public CommandGateway(EventPublisher publisher, EngineState state, CommitWatch commits, EngineSettings settings,
                          Limits limits, LaterWaits later) {
        this.later = later;
        this.publisher = publisher;
        this.state = state;
        this.commits = commits;
        this.timeout = settings.getHttp().getCommandTimeout();
        this.limits = limits;
        this.shards = settings.shardPlan();
    }

    /** A command's SKU (the partition that decides it) and its outcome, empty while undecided. */
    public record Result(String sku, String commandId, Optional<CommandOutcome> outcome) {
        public boolean decided() {
            return outcome.isPresent();
        }

        public boolean accepted() {
            return outcome.map(CommandOutcome::getAccepted).orElse(false);
        }
    }

    /**
     * Sends every command not decided before (key: its SKU) and answers, as a future, with all outcomes once they are
     * decided and committed, or with those decided by the command timeout. Two commands or more are the parts of one
     * client command and go as a group ({@link #grouped}): all are accepted, or none applies. The caller's thread is
     * free once the commands are published (or found decided): nothing holds a thread while the outcomes are awaited
     * ({@link LaterWaits}). Throws, before anything is sent, when a call makes more changes than an order has lines.
     */
    public CompletableFuture<List<Result>> send(List<Map.Entry<String, Command>> commands) {
        return outcomes(published(commands));
    }

    /** Publishes what {@link #send} sends; the (key, command id) pairs whose outcomes answer the call. */
    private List<Map.Entry<String, String>> published(List<Map.Entry<String, Command>> commands) {
        if (commands.size() > limits.maxLines()) {
            throw new TooManyChangesException("this request makes " + commands.size() + " changes (one per allocation and "
                + "SKU); one request makes at most " + limits.maxLines() + ", as an order has at most that many lines "
                + "(allotment.orders.max-lines)");
        }
        List<Map.Entry<String, Command>> parts = grouped(ShardKeys.of(shards, commands));   // a sharded SKU's: to its line's shard
        Set<String> decided = new HashSet<>();
        for (Map.Entry<String, Command> c : parts) {
            if (state.outcome(c.getKey(), c.getValue().getCommandId()).isPresent()) {
                decided.add(c.getValue().getCommandId());
            }
        }
        List<Map.Entry<String, Command>> answering = answeredBy(parts, decided, groupDecided(parts));
        List<Map.Entry<String, Command>> fresh = answering.stream().filter(c -> !decided.contains(c.getValue().getCommandId())).toList();
        if (!fresh.isEmpty()) {
            publisher.publishCommands(fresh);
        }
        return answering.stream().map(c -> Map.entry(c.getKey(), c.getValue().getCommandId())).toList();
    }

    /**
     * The parts whose outcomes answer a call: all of them, unless some were decided though their group was not. Then
     * the call is a retry whose parts are not its first call's (what it names gained or lost a SKU in between, as a
     * request re-routed onto another SKU does), and the first call's outcome is the answer: a new group over the other
     * parts would commit or abort without the ones decided, so that one call would be applied in part. Nothing new is
     * sent under the key.
     */
    static List<Map.Entry<String, Command>> answeredBy(List<Map.Entry<String, Command>> parts, Set<String> decided,
                                                      boolean groupDecided) {
        if (decided.isEmpty() || decided.size() == parts.size() || groupDecided) {
            return parts;
        }
        return parts.stream().filter(c -> decided.contains(c.getValue().getCommandId())).toList();
    }

    /** Whether the coordinator of the parts' group (if they are one) has decided it. */
    private boolean groupDecided(List<Map.Entry<String, Command>> parts) {
        CommandGroup group = parts.isEmpty() ? null : parts.get(0).getValue().getGroup();
        return group != null && state.outcome(group.getCoordinator(), group.getGroupId()).isPresent();
    }

    /**
     * The parts of one client command, each told its group when there are two or more (DESIGN §4 invariant 8): each SKU
     * prepares its parts and votes to the coordinator, the first SKU, which commits or aborts them all. The group
     * id derives from the parts' ids, so a retry with the same Idempotency-Key joins the same group.
     */
    static List<Map.Entry<String, Command>> grouped(List<Map.Entry<String, Command>> commands) {
        if (commands.size() < 2) {
            return commands;
        }
        TreeSet<String> skus = commands.stream().map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
        List<GroupMember> members = commands.stream().map(c -> new GroupMember(c.getKey(), c.getValue().getCommandId())).toList();
        String first = members.stream().map(GroupMember::getCommandId).sorted().findFirst().orElseThrow();
        CommandGroup group = new CommandGroup(first + ":group", skus.first(), members);
        return commands.stream().map(c -> Map.entry(c.getKey(), Command.newBuilder(c.getValue()).setGroup(group).build())).toList();
    }

    /** Publishes stock events carrying command ids (key: SKU) not decided before; their outcomes as {@link #send}'s. */
    public CompletableFuture<List<Result>> sendStock(List<Map.Entry<String, StockEvent>> events) {
        List<Map.Entry<String, StockEvent>> fresh = events.stream()
            .filter(e -> state.outcome(e.getKey(), e.getValue().getCommandId()).isEmpty()).toList();
        if (!fresh.isEmpty()) {
            publisher.publishStock(fresh);
        }
        return outcomes(events.stream().map(e -> Map.entry(e.getKey(), e.getValue().getCommandId())).toList());
    }

    private CompletableFuture<List<Result>> outcomes(List<Map.Entry<String, String>> skuAndIds) {
        AwaitedOutcomes outcomes = new AwaitedOutcomes(skuAndIds);
        return later.until(timeout, state.changes(), outcomes.skus, outcomes.changedHere, outcomes)
            .thenApply(answered -> outcomes.results());
    }

    /**
     * The outcomes of some commands as a wait's probe: present once every one is decided and committed; the results
     * read so far, decided or not, after the wait either way.
     */
    private final class AwaitedOutcomes implements Supplier<Optional<Boolean>> {
        private final List<Map.Entry<String, String>> skuAndIds;
        private final Map<String, Result> results = new LinkedHashMap<>();
        private final List<String> skus;
        private final boolean changedHere;

        AwaitedOutcomes(List<Map.Entry<String, String>> skuAndIds) {
            this.skuAndIds = skuAndIds;
            this.skus = skuAndIds.stream().map(Map.Entry::getKey).distinct().toList();
            this.changedHere = skus.stream().allMatch(sku -> state.changedHere(StoreNames.COMMAND_OUTCOMES, sku));
        }

        @Override
        public synchronized Optional<Boolean> get() {
            for (Map.Entry<String, String> c : skuAndIds) {
                Result known = results.get(c.getValue());
                if (known == null || !known.decided()) {
                    // decided once committed: an outcome read before its commit could be rolled back by a crash and
                    // decided otherwise when the engine processes the command again (CommitWatch)
                    // the SKU, not the shard that decided it: shards show nowhere in the API
                    results.put(c.getValue(), new Result(ShardPlan.shard(c.getKey()).sku(), c.getValue(),
                        state.outcome(c.getKey(), c.getValue()).filter(commits::committed)));
                }
            }
            return results.values().stream().allMatch(Result::decided) ? Optional.of(Boolean.TRUE) : Optional.empty();
        }

        synchronized List<Result> results() {
            return new ArrayList<>(results.values());
        }
    }
}
