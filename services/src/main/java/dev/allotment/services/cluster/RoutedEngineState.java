package dev.allotment.services.cluster;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.CommandOutcome;
import dev.allotment.events.LineReservation;
import dev.allotment.events.LocationUpserted;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.RoutingSet;
import dev.allotment.events.SkuStock;
import dev.allotment.schemas.Topics;
import dev.allotment.streams.state.EngineClients;
import dev.allotment.streams.state.EngineState;
import dev.allotment.streams.state.EngineUnavailableException;
import dev.allotment.streams.state.FoundRequest;
import dev.allotment.streams.state.LocalEngineState;
import dev.allotment.streams.state.StoreChanges;
import dev.allotment.streams.state.StoreNames;
import dev.allotment.streams.allocation.ShardPlan;
import dev.allotment.streams.allocation.ShardTotals;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import java.util.stream.IntStream;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * {@link EngineState} over every instance of the engine. A keyed read goes to the active copy of its key's partition:
 * this instance's stores when it is the owner, else the owner's internal route ({@link InternalStateController}), asked
 * once; the owner answers from its own stores and never forwards again. When the owner does not answer (dead, moving the
 * task), a standby copy within {@code allotment.cluster.max-standby-lag} answers, and the answer is marked stale
 * ({@link Freshness}). While no copy answers, the read looks again until {@code allotment.cluster.route-retry} has passed,
 * then fails with {@link EngineUnavailableException} (503 with Retry-After). A list asks every instance that runs
 * active tasks for what its own partitions hold and merges the answers; it fails the same way when one does not answer or
 * when the instances together do not hold every partition, rather than answer with part of the list.
 *
 * <p>Locations and routing are in global stores, whole on every instance: they are always read here.
 */
public final class RoutedEngineState implements EngineState {
    private static final long PAUSE_MS = 20;
    private final EngineClients clients;
    private final Supplier<HostInfo> self;
    private final LocalEngineState local;
    /** {@link #local}, answering "unavailable" where it would wait: the reads an event loop may make. */
    private final LocalEngineState immediate;
    private final PeerClient peers;
    private final Topics topics;
    private final ToIntFunction<String> partitions;
    private final long maxStandbyLag;
    private final Duration routeRetry;
    /** Where a sharded SKU's lines of an order are: on the shard its order id picks (docs/design/sku-shards.md). */
    private final ShardPlan shards;
    private final KeyOwners owners;

    public RoutedEngineState(EngineClients clients, Supplier<HostInfo> self, LocalEngineState local,
                             PeerClient peers, Topics topics, ToIntFunction<String> partitions, long maxStandbyLag,
                             Duration routeRetry) {
        this(clients, self, local, peers, topics, partitions, maxStandbyLag, routeRetry, ShardPlan.UNSHARDED, null);
    }

    /**
     * @param stateChanges how many times the Kafka Streams client's state has changed (its state listener counts them):
     *                     a key's owners are kept while it is RUNNING and that count stays the same ({@link KeyOwners});
     *                     null to ask Kafka Streams on every read
     */
    public RoutedEngineState(EngineClients clients, Supplier<HostInfo> self, LocalEngineState local,
                             PeerClient peers, Topics topics, ToIntFunction<String> partitions, long maxStandbyLag,
                             Duration routeRetry, ShardPlan shards, LongSupplier stateChanges) {
        this.owners = stateChanges == null ? KeyOwners.NONE : new KeyOwners(stateChanges);
        this.shards = shards;
        this.partitions = partitions;
        this.clients = clients;
        this.self = self;
        this.local = local;
        this.immediate = local.withoutWaiting();
        this.peers = peers;
        this.topics = topics;
        this.maxStandbyLag = maxStandbyLag;
        this.routeRetry = routeRetry;
    }

    // --- keyed reads: one copy answers ---

    @Override
    public Optional<OrderProjection> order(String orderId) {
        return keyed(StoreNames.ORDERS, orderId, Optional::isPresent, s -> s.order(orderId),
            p -> one(p, InternalQueries.ORDER, Map.of("key", orderId), StateFrames.records(OrderProjection.class)));
    }

    @Override
    public Optional<Optional<OrderProjection>> orderAtOnce(String orderId) {
        return atOnce(StoreNames.ORDERS, orderId, s -> s.order(orderId));
    }

    @Override
    public List<AllocationEvent> history(String orderId) {
        return keyed(StoreNames.ORDER_HISTORY, orderId, h -> !h.isEmpty(), s -> s.history(orderId),
            p -> p.list(InternalQueries.HISTORY, Map.of("key", orderId), StateFrames.records(AllocationEvent.class)));
    }

    @Override
    public List<LineReservation> lines(String sku, String orderId) {
        String key = shards.keyOf(sku, orderId);
        return keyed(StoreNames.LINE_RESERVATIONS, key, l -> !l.isEmpty(), s -> s.lines(key, orderId),
            p -> p.list(InternalQueries.LINES, Map.of("key", key, "order", orderId), StateFrames.records(LineReservation.class)));
    }

    /** An empty queue is an answer too: a standby copy within the lag bound may give it. */
    @Override
    public List<LineReservation> waiting(String sku, int max) {
        return keyed(StoreNames.WAITING, sku, l -> true, s -> s.waiting(sku, max),
            p -> p.list(InternalQueries.WAITING, Map.of("key", sku, "limit", Integer.toString(max)),
                StateFrames.records(LineReservation.class)));
    }

    @Override
    public Optional<CommandOutcome> outcome(String sku, String commandId) {
        return keyed(StoreNames.COMMAND_OUTCOMES, sku, Optional::isPresent, s -> s.outcome(sku, commandId),
            p -> one(p, InternalQueries.OUTCOME, Map.of("key", sku, "command", commandId),
                StateFrames.records(CommandOutcome.class)));
    }

    @Override
    public Optional<SkuStock> stock(String sku) {
        Optional<SkuStock> home = shardStock(sku);
        int n = shards.shards(sku);
        if (n == 1 || home.isEmpty()) {
            return home;
        }
        // a sharded SKU reads as one: home's books give the physical, the shards' records what they allocate and hold
        List<SkuStock> others = IntStream.range(1, n).mapToObj(k -> shardStock(ShardPlan.key(sku, k))).flatMap(Optional::stream).toList();
        return Optional.of(ShardTotals.merge(home.get(), others));
    }

    /** A sharded SKU reads several keys, which may live on several instances: never at once. */
    @Override
    public Optional<Optional<SkuStock>> stockAtOnce(String sku) {
        return shards.shards(sku) == 1 ? atOnce(StoreNames.SKU_STOCK, sku, s -> s.stock(sku)) : Optional.empty();
    }

    private Optional<SkuStock> shardStock(String key) {
        return keyed(StoreNames.SKU_STOCK, key, Optional::isPresent, s -> s.stock(key),
            p -> one(p, InternalQueries.STOCK, Map.of("key", key), StateFrames.records(SkuStock.class)));
    }

    // --- reads of every partition: each instance answers for its own ---

    /** Kept beside its order, so the instance that holds the order answers for it: the first that finds it. */
    @Override
    public Optional<FoundRequest> request(String requestId) {
        for (List<FoundRequest> found : RoutedEngineState.<List<FoundRequest>>lists(this, InternalQueries.REQUEST,
            Map.of("key", requestId), s -> s.request(requestId).map(List::of).orElse(List.of()),
            InternalQueries::readFoundRequest)) {
            if (!found.isEmpty()) {
                return Optional.of(found.get(0));
            }
        }
        return Optional.empty();
    }

    @Override
    public List<OrderProjection> orders(String after, String before, int limit) {
        Map<String, String> params = params("after", after, "before", before, "limit", Integer.toString(limit));
        List<OrderProjection> all = new ArrayList<>();
        RoutedEngineState.<List<OrderProjection>>lists(this, InternalQueries.ORDERS, params, s -> s.orders(after, before, limit),
            StateFrames.records(OrderProjection.class)).forEach(all::addAll);
        all.sort(Comparator.comparing(OrderProjection::getOrderId));
        // each instance answered its first limit + 1 (or, backwards, its last): the union's are the page
        int keep = Math.min(all.size(), limit + 1);
        return before == null ? List.copyOf(all.subList(0, keep)) : List.copyOf(all.subList(all.size() - keep, all.size()));
    }

    @Override
    public List<FoundRequest> requests(Set<String> statuses, Set<String> locations, int limit) {
        return firstOfAll(InternalQueries.REQUESTS, params("statuses", InternalQueries.set(statuses), "locations",
                locations == null ? null : InternalQueries.set(locations), "limit", Integer.toString(limit)),
            s -> s.requests(statuses, locations, limit), InternalQueries::readFoundRequest,
            Comparator.comparing((FoundRequest f) -> f.request().getCreatedAt()).thenComparing(f -> f.request().getAllocationId()),
            limit);
    }

    @Override
    public List<OrderProjection> ordersAt(String locationId, String after, String before, int limit) {
        Map<String, String> params = params("location", locationId, "after", after, "before", before, "limit",
            Integer.toString(limit));
        if (before == null) {
            return firstOfAll(InternalQueries.ORDERS_AT, params, s -> s.ordersAt(locationId, after, null, limit),
                StateFrames.records(OrderProjection.class), Comparator.comparing(OrderProjection::getOrderId), limit + 1);
        }
        // backwards: each instance answered its last limit + 1 before the bound; the union's last are the page
        List<OrderProjection> all = new ArrayList<>();
        RoutedEngineState.<List<OrderProjection>>lists(this, InternalQueries.ORDERS_AT, params,
            s -> s.ordersAt(locationId, null, before, limit), StateFrames.records(OrderProjection.class)).forEach(all::addAll);
        all.sort(Comparator.comparing(OrderProjection::getOrderId));
        int keep = Math.min(all.size(), limit + 1);
        return List.copyOf(all.subList(all.size() - keep, all.size()));
    }

    @Override
    public List<CommandOutcome> outcomesUnder(String prefix) {
        List<CommandOutcome> all = new ArrayList<>();
        RoutedEngineState.<List<CommandOutcome>>lists(this, InternalQueries.OUTCOMES, Map.of("prefix", prefix),
            s -> s.outcomesUnder(prefix), StateFrames.records(CommandOutcome.class)).forEach(all::addAll);
        return all;
    }

    @Override
    public List<SkuStock> stock(String locationId, String after, int limit) {
        List<SkuStock> page = firstOfAll(InternalQueries.STOCKS, params("location", locationId, "after", after, "limit",
            Integer.toString(limit)), s -> s.stock(locationId, after, limit), StateFrames.records(SkuStock.class),
            Comparator.comparing(SkuStock::getSku), limit + 1);
        // shards show nowhere: a sharded SKU is listed once (each partition skips shard keys), as its totals
        return page.stream().filter(s -> ShardPlan.shard(s.getSku()).home())
            .map(s -> shards.shards(s.getSku()) > 1 ? stock(s.getSku()).orElse(s) : s).toList();
    }

    /**
     * The first {@code keep} in {@code order} of every instance's answer to a list query: each instance answered its own
     * first {@code keep} (or more), so the union's first are the list's.
     */
    private <T> List<T> firstOfAll(String query, Map<String, String> params, Function<EngineState, List<T>> here,
                                   StateFrames.ItemReader<T> reader, Comparator<T> order, int keep) {
        List<T> all = new ArrayList<>();
        RoutedEngineState.<List<T>>lists(this, query, params, here, reader).forEach(all::addAll);
        all.sort(order);
        return List.copyOf(all.subList(0, Math.min(keep, all.size())));
    }

    /** Params from names and values, in pairs; a null value is left out of the request. */
    private static Map<String, String> params(String... namesAndValues) {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            params.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return params;
    }

    // --- global stores: whole on every instance ---

    @Override
    public Optional<LocationUpserted> location(String locationId) {
        return local.location(locationId);
    }

    @Override
    public List<LocationUpserted> locations() {
        return local.locations();
    }

    @Override
    public Optional<RoutingSet> routing(String channel) {
        return local.routing(channel);
    }

    @Override
    public StoreChanges changes() {
        return local.changes();
    }

    // --- routing ---

    /**
     * {@code here} on this instance's own stores, when the key's active copy is here and queryable now: what {@link #keyed}
     * answers for such a key, without its waits. Empty when the read would wait or ask another instance.
     */
    private <T> Optional<T> atOnce(String store, String key, Function<EngineState, T> here) {
        KafkaStreams running = clients.main();
        if (running == null) {
            return Optional.empty();
        }
        KeyQueryMetadata meta = owners.of(running, store, key);
        if (!known(meta) || !isHere(meta.activeHost())) {
            return Optional.empty();
        }
        try {
            return Optional.of(here.apply(immediate.keyedTo(meta.partition())));
        } catch (EngineUnavailableException e) {
            return Optional.empty();
        }
    }

    /** Whether the active copy of {@code key}'s partition of {@code store} runs here (no owner yet, or none: no). */
    @Override
    public boolean changedHere(String store, String key) {
        try {
            KeyQueryMetadata meta = owners.of(running(), store, key);
            return known(meta) && isHere(meta.activeHost());
        } catch (EngineUnavailableException e) {
            return false;
        }
    }

    /** Whether {@code meta} names the key's copies (not while no instance owns it yet, or none can be known). */
    private static boolean known(KeyQueryMetadata meta) {
        return meta != null && !meta.equals(KeyQueryMetadata.NOT_AVAILABLE);
    }

    /** Whether {@code host} is this instance. */
    private boolean isHere(HostInfo host) {
        return Endpoints.sameInstance(host, self.get());
    }

    /**
     * Reads {@code store}'s copy of {@code key}: the active one, else a standby within the lag bound. A standby answers
     * only with what it {@code holds}: one that does not hold the key may not have caught up with it yet, so its "not
     * found" is no answer, and the read looks again.
     */
    private <T> T keyed(String store, String key, Predicate<T> holds, Function<EngineState, T> here, Function<Peer, T> there) {
        long deadline = System.nanoTime() + routeRetry.toNanos();
        String last = "no instance owns it yet";
        while (true) {
            KafkaStreams running = running();
            KeyQueryMetadata meta = owners.of(running, store, key);
            if (known(meta)) {
                try {
                    // here: read the partition just looked up, not looked up again (a lookup parses every instance's host and
                    // port; it was a tenth of the request threads' CPU in the allocation benchmark)
                    return isHere(meta.activeHost()) ? here.apply(local.keyedTo(meta.partition()))
                        : there.apply(new Peer(meta.activeHost(), false));
                } catch (EngineUnavailableException | PeerUnavailableException e) {
                    last = e.getMessage();
                }
                for (HostInfo standby : meta.standbyHosts()) {
                    try {
                        T answer = isHere(standby) ? standbyHere(store, meta.partition(), here)
                            : there.apply(new Peer(standby, true));
                        if (holds.test(answer)) {
                            Freshness.markStale();
                            return answer;
                        }
                        last = "the standby copy on " + standby + " does not hold it";
                    } catch (EngineUnavailableException | PeerUnavailableException e) {
                        last = e.getMessage();
                    }
                }
            }
            pauseOrGiveUp(deadline, "no copy of " + store + " for " + key + " answers: " + last);
        }
    }

    /** {@code here} on this instance's standby copy of {@code partition}, when it lags no more than the bound. */
    private <T> T standbyHere(String store, int partition, Function<EngineState, T> here) {
        long lag = StandbyLag.of(clients.forStore(store), store, partition);
        if (lag > maxStandbyLag) {
            throw new EngineUnavailableException("the standby copy of " + store + " partition " + partition + " lags "
                + lag + " records (allotment.cluster.max-standby-lag " + maxStandbyLag + ")");
        }
        return here.apply(local.standbys().keyedTo(partition));
    }

    /**
     * Every active copy's answer for its own partitions: this instance's from its stores, every other's from its
     * internal route, each with the partitions it covered. A partition no active copy answered for (its owner gone, the
     * group not yet settled) is read from a standby copy within the lag bound, and the answer is marked stale. Looks
     * again until the answers cover every partition of the topic exactly once; past the retry bound, a client that
     * allows a partial answer ({@link Freshness#partialAllowed}) gets what the others answered, marked with the
     * partitions it lacks; any other gets 503.
     */
    private <T> List<T> gather(String query, Map<String, String> params, Function<EngineState, T> here,
                               StateFrames.ItemReader<?> reader, Function<List<?>, T> cast) {
        String topic = InternalQueries.listTopic(query, topics).orElseThrow();
        long deadline = System.nanoTime() + routeRetry.toNanos();
        while (true) {
            KafkaStreams running = running();
            String missing;
            List<T> answers = new ArrayList<>();
            Set<Integer> held = new TreeSet<>();
            int repeated = 0;
            int all = partitions.applyAsInt(topic);
            try {
                for (StreamsMetadata instance : running.metadataForAllStreamsClients()) {
                    if (instance.topicPartitions().stream().noneMatch(tp -> tp.topic().equals(topic))) {
                        continue;
                    }
                    Set<Integer> covered;
                    try {
                        if (isHere(instance.hostInfo())) {
                            LocalAnswers.Covered<T> mine = LocalAnswers.covered(local, topic, () -> here.apply(local))
                                .orElseThrow(() -> new EngineUnavailableException("this instance's partitions moved"));
                            answers.add(mine.value());
                            covered = mine.partitions();
                        } else {
                            PeerClient.Reply reply = peers.get(Endpoints.instanceOf(instance.hostInfo()), query, params);
                            answers.add(cast.apply(decode(instance.hostInfo(), query, reply.body(), reader)));
                            covered = reply.partitions().map(RoutedEngineState::partitionsOf).orElseThrow(() ->
                                new PeerUnavailableException(instance.hostInfo() + " did not say which partitions it read"));
                        }
                    } catch (PeerUnavailableException e) {
                        continue;   // its partitions are missing: a standby copy may answer for them below
                    }
                    for (int p : covered) {
                        repeated += held.add(p) ? 0 : 1;
                    }
                }
                if (repeated == 0 && held.size() < all) {
                    fromStandbys(running, query, params, here, reader, cast, topic, all, held, answers);
                }
                if (held.size() == all && repeated == 0) {
                    return answers;
                }
                missing = "the answers cover " + held.size() + " of " + all + " partitions of " + topic
                    + (repeated > 0 ? ", " + repeated + " twice" : "");
            } catch (EngineUnavailableException | PeerUnavailableException e) {
                missing = e.getMessage();
                repeated = -1;   // nothing to answer with
            }
            if (System.nanoTime() - deadline >= 0 && repeated == 0 && Freshness.partialAllowed()) {
                Set<Integer> lacking = new TreeSet<>();
                for (int p = 0; p < all; p++) {
                    if (!held.contains(p)) {
                        lacking.add(p);
                    }
                }
                Freshness.markPartial(topic, lacking);
                return answers;
            }
            pauseOrGiveUp(deadline, "not every partition answers " + query + ": " + missing);
        }
    }

    /**
     * Adds to {@code answers} the standby copies' answers for the partitions of {@code topic} not in {@code held}, from
     * any instance that keeps one within the lag bound (this one first), and adds those partitions to {@code held}.
     */
    private <T> void fromStandbys(KafkaStreams running, String query, Map<String, String> params, Function<EngineState, T> here,
                                  StateFrames.ItemReader<?> reader, Function<List<?>, T> cast, String topic, int all,
                                  Set<Integer> held, List<T> answers) {
        List<StreamsMetadata> instances = new ArrayList<>(running.metadataForAllStreamsClients());
        // this one first
        instances.sort(Comparator.comparing((StreamsMetadata m) -> !isHere(m.hostInfo())));
        for (StreamsMetadata instance : instances) {
            Set<Integer> wanted = new TreeSet<>();
            instance.standbyTopicPartitions().stream().filter(tp -> tp.topic().equals(topic) && !held.contains(tp.partition()))
                .forEach(tp -> wanted.add(tp.partition()));
            if (wanted.isEmpty()) {
                continue;
            }
            try {
                if (isHere(instance.hostInfo())) {
                    answers.add(here.apply(LocalAnswers.standbyList(clients, local, query, wanted, maxStandbyLag)));
                } else {
                    Map<String, String> asked = new LinkedHashMap<>(params);
                    asked.put("partitions", InternalQueries.partitions(wanted));
                    answers.add(cast.apply(new Peer(instance.hostInfo(), true).list(query, asked, reader)));
                }
            } catch (EngineUnavailableException | PeerUnavailableException e) {
                continue;   // too far behind, or gone too: another copy, or the next look
            }
            held.addAll(wanted);
            Freshness.markStale();
            if (held.size() == all) {
                return;
            }
        }
    }

    private static Set<Integer> partitionsOf(String header) {
        Set<Integer> partitions = new TreeSet<>();
        for (String p : header.split(",")) {
            if (!p.isBlank()) {
                partitions.add(Integer.parseInt(p.trim()));
            }
        }
        return partitions;
    }

    private static List<?> decode(HostInfo host, String query, byte[] body, StateFrames.ItemReader<?> reader) {
        try {
            return StateFrames.decode(body, reader);
        } catch (IllegalArgumentException e) {
            throw new PeerUnavailableException(host + " answered " + query + " with what this instance cannot read: "
                + e.getMessage());
        }
    }

    /** {@link #gather} of a list query: each instance answers a list of what {@code reader} reads. */
    @SuppressWarnings("unchecked")
    private static <L extends List<?>> List<L> lists(RoutedEngineState routed, String query, Map<String, String> params,
                                                      Function<EngineState, L> here, StateFrames.ItemReader<?> reader) {
        return routed.gather(query, params, here, reader, list -> (L) list);
    }

    private static void pauseOrGiveUp(long deadline, String why) {
        if (System.nanoTime() - deadline >= 0 || Thread.currentThread().isInterrupted()) {
            throw new EngineUnavailableException(why);
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(PAUSE_MS));
    }

    /** The client whose metadata (every instance's partitions, each key's owners) the routing reads. */
    private KafkaStreams running() {
        KafkaStreams running = clients.main();
        if (running == null) {
            throw new EngineUnavailableException("the engine is starting");
        }
        return running;
    }

    private static <T> Optional<T> one(Peer peer, String query, Map<String, String> params, StateFrames.ItemReader<T> reader) {
        List<T> found = peer.list(query, params, reader);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** One other instance, asked for its active copy, or its standby copy ({@code stale}). */
    private final class Peer {
        private final HostInfo host;
        private final boolean stale;

        Peer(HostInfo host, boolean stale) {
            this.host = Endpoints.instanceOf(host);   // a SKU client's endpoint is answered by its instance's edge
            this.stale = stale;
        }

        <T> List<T> list(String query, Map<String, String> params, StateFrames.ItemReader<T> reader) {
            Map<String, String> all = new LinkedHashMap<>(params);
            if (stale) {
                all.put("stale", "true");
            }
            @SuppressWarnings("unchecked")
            List<T> read = (List<T>) decode(host, query, peers.get(host, query, all).body(), reader);
            return read;
        }
    }
}
