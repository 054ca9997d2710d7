package dev.allotment.services.cluster;

import dev.allotment.streams.state.EngineClients;
import dev.allotment.streams.state.EngineUnavailableException;
import dev.allotment.streams.state.LocalEngineState;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What this instance answers another on the internal routes: from its own active stores, never forwarded again (a key
 * that moved away is a {@link EngineUnavailableException}, and the asker looks again); or, asked for a keyed query's
 * stale copy, from its standby copy of the key's partition, when that lags no more than the bound.
 */
public final class LocalAnswers {
    private final LocalEngineState local;
    private final EngineClients clients;
    private final long maxStandbyLag;

    public LocalAnswers(LocalEngineState local, EngineClients clients, long maxStandbyLag) {
        this.local = local;
        this.clients = clients;
        this.maxStandbyLag = maxStandbyLag;
    }

    /** A framed answer, and for a list, the partitions of its topic it covers. */
    public record Answer(byte[] frame, Optional<Set<Integer>> partitions) {}

    /**
     * {@code query}'s framed answer.
     *
     * @throws IllegalArgumentException for an unknown query, a missing param, or a stale read of a query that has no key
     */
    public Answer answer(String query, Map<String, String> params, boolean stale) {
        if (!stale) {
            Optional<String> topic = InternalQueries.listTopic(query, local.topics());
            if (topic.isEmpty()) {
                return new Answer(InternalQueries.answer(local, query, params), Optional.empty());
            }
            return covered(local, topic.get(), () -> InternalQueries.answer(local, query, params))
                .map(a -> new Answer(a.value(), Optional.of(a.partitions())))
                .orElseThrow(() -> new EngineUnavailableException("this instance's partitions moved while it read them"));
        }
        Optional<String> listTopic = InternalQueries.listTopic(query, local.topics());
        if (listTopic.isPresent()) {
            Set<Integer> partitions = InternalQueries.partitions(params.get("partitions"));
            return new Answer(InternalQueries.answer(standbyList(clients, local, query, partitions, maxStandbyLag), query,
                params), Optional.of(partitions));
        }
        Optional<String> store = InternalQueries.keyedStore(query);
        String key = params.get("key");
        if (store.isEmpty() || key == null) {
            throw new IllegalArgumentException("a standby copy answers a keyed query (with its key) or a list of named partitions");
        }
        long lag = StandbyLag.forKey(clients.forStore(store.get()), store.get(), key);
        if (lag > maxStandbyLag) {
            throw new EngineUnavailableException("this instance's copy of " + store.get() + " for " + key + " "
                + (lag == Long.MAX_VALUE ? "is not here" : "lags " + lag + " records (allotment.cluster.max-standby-lag "
                + maxStandbyLag + ")"));
        }
        return new Answer(InternalQueries.answer(local.standbys(), query, params), Optional.empty());
    }

    /**
     * {@code local} reading exactly {@code partitions} of {@code query}'s list from whichever copy this instance holds,
     * once each copy is known to lag no more than {@code maxLag} records.
     *
     * @throws EngineUnavailableException naming a partition this instance holds no copy of, or one that lags more
     */
    static LocalEngineState standbyList(EngineClients clients, LocalEngineState local, String query, Set<Integer> partitions,
                                        long maxLag) {
        String store = InternalQueries.listStore(query);
        for (int partition : partitions) {
            long lag = StandbyLag.of(clients.forStore(store), store, partition);
            if (lag > maxLag) {
                throw new EngineUnavailableException("this instance's copy of " + store + " partition " + partition + " "
                    + (lag == Long.MAX_VALUE ? "is not here" : "lags " + lag + " records (allotment.cluster.max-standby-lag "
                    + maxLag + ")"));
            }
        }
        return local.partitions(partitions);
    }

    /** A list read and the partitions it covers. */
    public record Covered<T>(T value, Set<Integer> partitions) {}

    /**
     * {@code read} of this instance's active partitions of {@code topic}, with those partitions; empty when they changed
     * while it read (a rebalance), so that the answer may miss or repeat one.
     */
    public static <T> Optional<Covered<T>> covered(LocalEngineState local, String topic, Supplier<T> read) {
        Set<Integer> before = local.activePartitions(topic);
        T value = read.get();
        Set<Integer> after = local.activePartitions(topic);
        return before.equals(after) ? Optional.of(new Covered<>(value, before)) : Optional.empty();
    }
}
