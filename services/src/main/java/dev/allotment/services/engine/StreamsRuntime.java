package dev.allotment.services.engine;

import dev.allotment.schemas.AvroSerdes;
import dev.allotment.schemas.RegistryConnection;
import dev.allotment.schemas.SchemaCatalog;
import dev.allotment.schemas.SchemaRegistrar;
import dev.allotment.schemas.Topics;
import dev.allotment.services.cluster.Endpoints;
import dev.allotment.streams.allocation.ShardPlan;
import dev.allotment.streams.order.Limits;
import dev.allotment.streams.state.ActivePartitions;
import dev.allotment.streams.state.EngineClients;
import dev.allotment.streams.state.GlobalPositions;
import dev.allotment.streams.state.StoreChanges;
import dev.allotment.streams.state.StoreHandles;
import dev.allotment.streams.state.StoreNames;
import dev.allotment.streams.topology.AllotmentTopology;
import dev.allotment.streams.topology.EngineStreamsConfig;
import dev.allotment.streams.topology.HomePartitions;
import dev.allotment.streams.topology.RoleAssignor;
import dev.allotment.streams.topology.TopologyHooks;
import dev.allotment.streams.topology.TopologySettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntToLongFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka Streams runtime of this instance. Start-up order matters, so it is explicit here: topics
 * exist and schemas are registered (one at a time, beside the topics' checks), then the topology starts. Closed on
 * shutdown.
 */
@Context
public class StreamsRuntime {
    /** The SKU client's folder under the state directory, and the suffix of its static member id. */
    static final String SKU_CLIENT = "skus";
    private static final Logger LOG = LoggerFactory.getLogger(StreamsRuntime.class);
    private final EngineSettings settings;
    private final Topics topics;
    private final AvroSerdes serdes;
    private final RegistryConnection registry;
    private final MeterRegistry meters;
    private final Limits limits;
    private final StoreChanges changes = new StoreChanges();
    /** The stores this instance's running tasks hold for the edge's keyed reads (both clients' tasks). */
    private final StoreHandles handles = new StoreHandles();
    private final GlobalPositions globals = new GlobalPositions();
    /** How far the SKU client's own copies of the global stores have read, when it runs (a client keeps its own). */
    private final GlobalPositions skuGlobals = new GlobalPositions();
    private KafkaStreams streams;
    /** The SKU tasks' client, when they run on one of their own (allotment.streams.sku-commit-interval-ms); else null. */
    private volatile KafkaStreams skuStreams;
    /** The SKU sub-topology's stores and topics: what {@link #skuStreams} holds and reads. */
    private volatile Set<String> skuStores = Set.of();
    private volatile Set<String> skuTopics = Set.of();
    /** How many times a Kafka Streams client's state has changed, since this runtime began (before clients: they read it). */
    private final AtomicLong stateChanges = new AtomicLong();
    private final EngineClients clients = new Clients();
    private Properties properties;
    private Properties skuProperties;
    /** The replication chosen for the cluster at start ({@link TopicRules#replication}). */
    private TopicRules.Replication replication;
    private volatile boolean draining;
    /** {@link #instance()} parsed, with the text it was parsed from. */
    private volatile Map.Entry<String, HostInfo> host;
    private volatile Map<String, Integer> partitionCounts = Map.of();
    private KafkaStreamsMetrics metrics;
    private KafkaStreamsMetrics skuMetrics;
    private CommitSignal commitSignal;
    private KafkaDeadLetterOutlet deadLetters;
    @io.micronaut.context.annotation.Value("${micronaut.server.port:8080}")
    int httpPort;
    /** As written, to refuse a value that is not a duration (bound, it would be null: history kept as long as the order). */
    @io.micronaut.context.annotation.Value("${allotment.retention.order-history:}")
    String orderHistoryAsWritten;

    public StreamsRuntime(EngineSettings settings, Topics topics, AvroSerdes serdes, RegistryConnection registry,
                          MeterRegistry meters, Limits limits) {
        this.settings = settings;
        this.limits = limits;
        this.topics = topics;
        this.serdes = serdes;
        this.registry = registry;
        this.meters = meters;
    }

    /** What the processors of this instance signal as they change stores (the edge's waits listen). */
    public StoreChanges changes() {
        return changes;
    }

    /** The stores this instance's running tasks hold for the edge's reads. */
    public StoreHandles handles() {
        return handles;
    }

    /** How far this instance's copies of the global stores have read their topics (the main client's). */
    public GlobalPositions globals() {
        return globals;
    }

    /** How far each copy of the global stores in this instance has read: one per client. */
    public List<GlobalPositions> globalCopies() {
        return skuStreams == null ? List.of(globals) : List.of(globals, skuGlobals);
    }

    @PostConstruct
    void start() {
        TopologySettings topologySettings = topologySettings();   // first: a setting it refuses stops the start at once
        KafkaConnection kafka = settings.getKafka().connection();
        String bootstrap = kafka.bootstrapServers();
        if (kafka.settings().size() > 1) {
            LOG.info("every Kafka client connects with {}", kafka.describe());
        }
        EngineSettings.TopicSettings topicSettings = settings.getTopics();
        // the registry's round trips (one subject at a time) and the cluster's are independent: both run at once
        SchemaRegistrar registrar = new SchemaRegistrar(registry);
        Alongside schemas = Alongside.start("allotment-start-schemas", () -> {
            registrar.verify();
            registrar.registerAll(SchemaCatalog.subjects(topics));
        });
        try {
            replication = TopicCreator.ensure(kafka, topics, topics.specs(topicSettings.getPartitions()),
                topicSettings.isCreate(), topicSettings.getReplicationFactor(), topicSettings.getMinInsyncReplicas());
            TopicCreator.adviseSegments(kafka, topics.specs(topicSettings.getPartitions()),
                settings.getStreams().getApplicationId(), AllotmentTopology::changelogSegments);
        } catch (RuntimeException e) {
            schemas.joinAfter(e);
            throw e;
        }
        schemas.join();
        // a platform's producer may place keys by another partitioner than Java's: such records go to their home; an
        // order's lines whose SKUs share a partition of the engine's commands are sent there as one command; and a SKU
        // task with no fence yet takes the engine's own commands from the platforms' topic only below where each of its
        // partitions ends now (an older release's, left at the upgrade; CommandsFence)
        TopicCreator.Layout layout = TopicCreator.layout(kafka, List.of(topics.orderEvents(), topics.stockEvents(),
            topics.commands(), topics.engineCommands()), topics.commands());
        partitionCounts = layout.partitions();
        HomePartitions homes = new HomePartitions(partitionCounts);
        IntToLongFunction ends = partition -> layout.ends().getOrDefault(partition, -1L);
        deadLetters = new KafkaDeadLetterOutlet(kafka, topics.deadLetters());
        Topology topology = AllotmentTopology.build(topics, serdes,
            new TopologyHooks(changes, homes, deadLetters, globals, ends, handles), topologySettings);
        LOG.info("topology:\n{}", topology.describe());
        properties = streamsProperties(bootstrap);
        Integer skuInterval = settings.getStreams().getSkuCommitIntervalMs();
        // the SKU tasks on a client of their own: the same topology (its own instance: a client rewrites what it is
        // given), its own copies of the global stores, tagged so that the role assignor gives it the SKU tasks alone
        Topology skuTopology = skuInterval == null ? null : AllotmentTopology.build(topics, serdes,
            new TopologyHooks(changes, homes, deadLetters, skuGlobals, ends, handles), topologySettings);
        if (skuTopology != null) {
            RoleAssignor.SkuSide side = RoleAssignor.SkuSide.of(skuTopology.describe());
            skuStores = side.stores();
            skuTopics = side.topics();
            skuProperties = skuProperties(skuInterval);
            LOG.info("the SKU tasks run on a Kafka Streams client of their own, committing every {} ms (stores {}, "
                + "topics {})", skuInterval, skuStores, skuTopics);
        }
        if (!settings.getStreams().getConfig().isEmpty()) {
            LOG.info("Kafka Streams settings from allotment.streams.config: {}", settings.getStreams().getConfig());
        }
        try {
            startStreams(topology, skuTopology);
        } catch (RuntimeException e) {
            if (!GlobalStateRecovery.corruptedGlobalStore(e)) {
                throw e;
            }
            // KAFKA-21034: under exactly-once, a global store left open by a crash cannot be opened again, and the global
            // thread fails at every start. Global stores are loaded from their topics alone: their local copy can go.
            LOG.warn("the local copy of the global stores was left unusable by an unclean stop (KAFKA-21034); deleting it"
                + " and loading the global stores again from their topics", e);
            closeAll(Duration.ofSeconds(30));
            GlobalStateRecovery.wipe(Path.of(properties.getProperty(StreamsConfig.STATE_DIR_CONFIG)),
                settings.getStreams().getApplicationId());
            if (skuProperties != null) {
                GlobalStateRecovery.wipe(Path.of(skuProperties.getProperty(StreamsConfig.STATE_DIR_CONFIG)),
                    settings.getStreams().getApplicationId());
            }
            startStreams(topology, skuTopology);
        }
        LOG.info("Kafka Streams {} started against {} (registry {})",
            settings.getStreams().getApplicationId(), bootstrap, registry.describe());
    }

    private void startStreams(Topology topology, Topology skuTopology) {
        streams = client(topology, properties, globals);
        metrics = new KafkaStreamsMetrics(streams);
        metrics.bindTo(meters);
        if (skuTopology != null) {
            skuStreams = client(skuTopology, skuProperties, skuGlobals);
            skuMetrics = new KafkaStreamsMetrics(skuStreams);
            skuMetrics.bindTo(meters);
        }
        streams.start();
        if (skuStreams != null) {
            skuStreams.start();
        }
        if (commitSignal != null) {
            commitSignal.close();
        }
        // reads see committed state only: a wait is woken when the thread that changed its key commits (CommitSignal)
        commitSignal = readsCommitted()
            ? new CommitSignal(this::allMetrics, stateChanges::get, changes, "allotment-commit-signal").start()
            : null;
    }

    private KafkaStreams client(Topology topology, Properties props, GlobalPositions positions) {
        KafkaStreams client = OffThreadMetrics.streams(topology, props);
        client.setUncaughtExceptionHandler(StreamsRuntime::threadDied);
        // every rebalance takes the client out of RUNNING and back: what is known of the keys' owners is kept in between
        client.setStateListener((now, before) -> stateChanges.incrementAndGet());
        // a global store restored from its checkpoint has taken what it read before (GlobalCatchUp compares with the ends)
        client.setGlobalStateRestoreListener(positions.restoreListener(Set.of(StoreNames.LOCATIONS)));
        return client;
    }

    /** Every client's metrics, in one map (their names differ by client and thread). */
    private Map<MetricName, ? extends Metric> allMetrics() {
        KafkaStreams sku = skuStreams;
        if (sku == null) {
            return streams.metrics();
        }
        Map<MetricName, Metric> all = new HashMap<>(streams.metrics());
        all.putAll(sku.metrics());
        return all;
    }

    /** Closes every client and its metrics, waiting at most {@code timeout} for each. */
    private void closeAll(Duration timeout) {
        streams.close(timeout);
        metrics.close();
        if (skuStreams != null) {
            skuStreams.close(timeout);
            skuMetrics.close();
        }
    }

    /** What the topology decides and keeps by: the order limits and the retentions of allotment.retention (unset: defaults). */
    private TopologySettings topologySettings() {
        EngineSettings.Retention retention = settings.getRetention();
        Duration history = retention.getOrderHistory();
        if (history == null && orderHistoryAsWritten != null && !orderHistoryAsWritten.isBlank()) {
            throw new IllegalArgumentException("allotment.retention.order-history (ALLOTMENT_ORDER_HISTORY_RETENTION) must be a"
                + " duration such as 30d, 12h or PT720H, or empty; was '" + orderHistoryAsWritten + "'");
        }
        if (history == null) {
            LOG.info("order history is kept as long as the order (allotment.retention.order-history is unset)");
        } else {
            LOG.info("a completed or cancelled order's history is forgotten {} after the order became final", history);
        }
        return new TopologySettings(limits, Optional.ofNullable(retention.getCommandOutcomes())
            .orElse(TopologySettings.DEFAULT_OUTCOME_RETENTION)).withOrderHistoryRetention(history)
            .withCommandGroupTimeout(Optional.ofNullable(settings.getCommands().getGroupTimeout())
                .orElse(TopologySettings.DEFAULT_GROUP_TIMEOUT))
            .withShards(shardPlan())
            .withAnswerCommitGap(Optional.ofNullable(settings.getCommands().getAnswerCommitGap())
                .orElse(TopologySettings.DEFAULT_ANSWER_COMMIT_GAP));
    }

    /** allotment.shards as a plan; a malformed value stops the start, saying which entry and why. */
    private ShardPlan shardPlan() {
        var plan = settings.shardPlan();
        if (!plan.shardsBySku().isEmpty()) {
            LOG.info("SKUs split into shards: {}", plan.shardsBySku());
        }
        return plan;
    }

    /**
     * A stream thread that died is replaced: the record it died on is dead-lettered when read again (the topology guards
     * its processors). The global thread cannot be replaced (Kafka Streams throws if asked to): the client shuts down,
     * /health turns DOWN, and the log says why. Its loaders dead-letter every record they cannot use, so only a failure
     * of the store itself gets here.
     */
    private static StreamThreadExceptionResponse threadDied(Throwable e) {
        if (Thread.currentThread().getName().endsWith("GlobalStreamThread")) {
            LOG.error("the global stream thread died; the engine stops serving until restarted", e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        LOG.error("stream thread died; replacing it", e);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    private Properties streamsProperties(String bootstrap) {
        EngineSettings.Streams s = settings.getStreams();
        Properties props = EngineStreamsConfig.defaults(s.getApplicationId(), bootstrap,
            Path.of(s.getStateDir(), "layout-" + AllotmentTopology.LAYOUT_VERSION).toAbsolutePath().toString());
        // how every client reaches the cluster (security settings included): Kafka Streams passes settings without a
        // client prefix to its producer, consumers and admin alike
        props.putAll(settings.getKafka().connection().settings());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, s.getCommitIntervalMs());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, s.getThreads());
        // Kafka Streams' changelogs and repartition topics as durable as the engine's own
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) replication.factor());
        props.put(StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG), Integer.toString(replication.minInsync()));
        // a task whose instance dies moves to the instance that holds its standby, warm, instead of one that must restore
        // it from the changelog; reads of a partition with no active copy are answered from it, marked stale
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, s.getStandbyReplicas());
        // where this instance answers queries: key metadata (which partition, which instance) needs it
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, instance());
        if (s.isStaticMembership()) {
            // one id per instance, the same after a restart (Kafka Streams adds each thread's index)
            props.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
                s.getApplicationId() + "-" + s.getAdvertisedHost() + "-" + httpPort);
        }
        if (s.getSkuCommitIntervalMs() != null) {
            props.put(StreamsConfig.TASK_ASSIGNOR_CLASS_CONFIG, RoleAssignor.class.getName());
            props.put(StreamsConfig.clientTagPrefix(RoleAssignor.ROLE_TAG), RoleAssignor.ORDERS);
        }
        props.putAll(s.getConfig());
        return withPollForCommits(props);
    }

    /**
     * The SKU client's settings: the main client's, with its own commit interval, state directory, role, endpoint and
     * static member id, and one stream thread.
     */
    private Properties skuProperties(int commitIntervalMs) {
        Properties props = copyOf(properties);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        props.put(StreamsConfig.STATE_DIR_CONFIG, Path.of(properties.getProperty(StreamsConfig.STATE_DIR_CONFIG), SKU_CLIENT)
            .toString());
        props.put(StreamsConfig.clientTagPrefix(RoleAssignor.ROLE_TAG), RoleAssignor.SKUS);
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, Endpoints.skuClient(instance()));
        String member = StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        if (props.containsKey(member)) {
            props.put(member, props.getProperty(member) + "-" + SKU_CLIENT);
        }
        return withPollForCommits(props);
    }

    /**
     * {@code props} with {@code poll.ms} fitted to the commit interval they end with ({@link
     * EngineStreamsConfig#pollMsFor}: a thread waiting in a poll does not commit), unless allotment.streams.config sets it.
     */
    private Properties withPollForCommits(Properties props) {
        if (!settings.getStreams().getConfig().containsKey(StreamsConfig.POLL_MS_CONFIG)) {
            props.put(StreamsConfig.POLL_MS_CONFIG, EngineStreamsConfig.pollMsFor(
                Long.parseLong(String.valueOf(props.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).trim())));
        }
        return props;
    }

    /** The Kafka Streams properties this instance started with (defaults, settings, then {@code allotment.streams.config}). */
    public Properties properties() {
        return copyOf(properties);
    }

    /** The SKU client's Kafka Streams properties when it runs (allotment.streams.sku-commit-interval-ms); else empty. */
    public Optional<Properties> skuClientProperties() {
        return Optional.ofNullable(skuProperties).map(StreamsRuntime::copyOf);
    }

    /** A copy a caller may change: a client's properties are read by Kafka Streams once, when it is made. */
    private static Properties copyOf(Properties props) {
        Properties copy = new Properties();
        copy.putAll(props);
        return copy;
    }

    /**
     * Whether interactive queries of this instance read committed state only (transactional stores at
     * {@code READ_COMMITTED}, the defaults): then an outcome the edge reads is committed ({@link CommitWatch}).
     */
    public boolean readsCommitted() {
        return EngineStreamsConfig.readsCommitted(properties);
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** This instance's Kafka Streams clients, as reads of its stores need them. */
    public EngineClients clients() {
        return clients;
    }

    /**
     * The state of this instance's Kafka Streams: its client's, or with the SKU tasks on a client of their own, the
     * main client's unless it runs and the SKU client does not (then the SKU client's).
     */
    public KafkaStreams.State state() {
        if (streams == null) {
            return KafkaStreams.State.CREATED;
        }
        KafkaStreams.State main = streams.state();
        KafkaStreams sku = skuStreams;
        return sku == null || main != KafkaStreams.State.RUNNING ? main : sku.state();
    }

    /** {@link #state()}'s name, for views that do not speak Kafka Streams. */
    public String stateName() {
        return state().name();
    }

    /** Whether the topology runs (or rebalances): its stores can be asked, though a moving one may answer "not yet". */
    public boolean started() {
        return state().isRunningOrRebalancing();
    }

    /**
     * Stops processing and leaves the group, so that this instance's partitions move to the others at once: the first step
     * of taking it away for good (a scale-down). Reads and commands on it then go to the other instances' copies.
     */
    public synchronized void drain() {
        if (streams != null && streams.state() != KafkaStreams.State.NOT_RUNNING) {
            draining = true;
            close(true);
        }
    }

    /** This instance's address in the group ({@code application.server}): where other instances reach its HTTP edge. */
    public String instance() {
        return settings.getStreams().getAdvertisedHost() + ":" + httpPort;
    }

    /**
     * {@link #instance()} as Kafka Streams' metadata names it, parsed once: a keyed read compares its owner with this
     * instance, and parsing the endpoint (regular expressions) on each was a few per cent of a read.
     */
    public HostInfo host() {
        String endpoint = instance();
        Map.Entry<String, HostInfo> parsed = host;
        if (parsed == null || !parsed.getKey().equals(endpoint)) {
            parsed = Map.entry(endpoint, HostInfo.buildFromEndpoint(endpoint));
            host = parsed;
        }
        return parsed.getValue();
    }

    /** How many times the Kafka Streams client's state has changed (a rebalance is at least two). */
    public long stateChanges() {
        return stateChanges.get();
    }

    /** How many partitions the engine's input topic has (the order and SKU tasks are one per partition); -1 before start. */
    public int partitions(String topic) {
        return partitionCounts.getOrDefault(topic, -1);
    }

    /** Whether {@link #drain()} stopped it on purpose. */
    public boolean draining() {
        return draining;
    }

    /**
     * Closes Kafka Streams. A static member that remains in the group keeps its partitions for the session timeout, so the
     * same instance restarted takes them back with no rebalance (a rolling restart moves no task); a dynamic member that
     * remained would make its successor wait that long for its old self.
     */
    private void close(boolean leave) {
        LOG.info("closing Kafka Streams ({} the group)", leave ? "leaving" : "remaining in");
        CloseOptions options = CloseOptions.groupMembershipOperation(leave
                ? CloseOptions.GroupMembershipOperation.LEAVE_GROUP : CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
            .withTimeout(Duration.ofSeconds(30));
        if (skuStreams != null) {
            skuStreams.close(options);
        }
        streams.close(options);
    }

    @PreDestroy
    synchronized void stop() {
        if (commitSignal != null) {
            commitSignal.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        if (skuMetrics != null) {
            skuMetrics.close();
        }
        if (streams != null) {
            EngineSettings.Streams s = settings.getStreams();
            close(s.isLeaveGroupOnStop() || !s.isStaticMembership());
        }
        if (deadLetters != null) {
            deadLetters.close();
        }
    }

    /** The clients as reads need them: a store or topic of the SKU sub-topology from the SKU client, when it runs. */
    private final class Clients implements EngineClients {
        private final ActivePartitions active = new ActivePartitions(stateChanges::get);

        @Override
        public KafkaStreams forStore(String store) {
            KafkaStreams sku = skuStreams;
            return sku != null && skuStores.contains(store) ? sku : streams;
        }

        @Override
        public KafkaStreams forTopic(String topic) {
            KafkaStreams sku = skuStreams;
            return sku != null && skuTopics.contains(topic) ? sku : streams;
        }

        @Override
        public KafkaStreams main() {
            return streams;
        }

        @Override
        public List<KafkaStreams> all() {
            KafkaStreams main = streams;
            KafkaStreams sku = skuStreams;
            return main == null ? List.of() : sku == null ? List.of(main) : List.of(main, sku);
        }

        /** Kept while the client stays RUNNING: a list of every partition asks for them, a request's lookup three times. */
        @Override
        public SortedSet<Integer> activePartitions(KafkaStreams client, String topic) {
            return active.get(client, topic);
        }
    }
}
