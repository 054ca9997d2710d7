package dev.allotment.services.engine;

import dev.allotment.streams.allocation.ShardPlan;
import dev.allotment.streams.order.Limits;
import dev.allotment.streams.topology.EngineStreamsConfig;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.convert.format.MapFormat;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Every knob of the engine, under {@code allotment.*} in application.yml (documented in docs/configuration.md). */
@Context
@ConfigurationProperties("allotment")
public class EngineSettings {
    private Kafka kafka = new Kafka();
    private Registry registry = new Registry();
    private TopicSettings topics = new TopicSettings();
    private Streams streams = new Streams();
    private Http http = new Http();
    private Orders orders = new Orders();
    private Retention retention = new Retention();
    private Commands commands = new Commands();
    private Health health = new Health();
    private Cluster cluster = new Cluster();
    private String apiKeys = "";
    private String apiKeysFile = "";
    private String shards = "";
    private ShardPlan shardPlan;

    public Kafka getKafka() { return kafka; }
    public void setKafka(Kafka kafka) { this.kafka = kafka; }
    public Registry getRegistry() { return registry; }
    public void setRegistry(Registry registry) { this.registry = registry; }
    public TopicSettings getTopics() { return topics; }
    public void setTopics(TopicSettings topics) { this.topics = topics; }
    public Streams getStreams() { return streams; }
    public void setStreams(Streams streams) { this.streams = streams; }
    public Http getHttp() { return http; }
    public void setHttp(Http http) { this.http = http; }
    public Orders getOrders() { return orders; }
    public void setOrders(Orders orders) { this.orders = orders; }
    public Retention getRetention() { return retention; }
    public void setRetention(Retention retention) { this.retention = retention; }
    public Commands getCommands() { return commands; }
    public void setCommands(Commands commands) { this.commands = commands; }
    public Health getHealth() { return health; }
    public void setHealth(Health health) { this.health = health; }
    public Cluster getCluster() { return cluster; }
    public void setCluster(Cluster cluster) { this.cluster = cluster; }
    public String getApiKeys() { return apiKeys; }
    public void setApiKeys(String apiKeys) { this.apiKeys = apiKeys; }
    public String getApiKeysFile() { return apiKeysFile; }
    public void setApiKeysFile(String apiKeysFile) { this.apiKeysFile = apiKeysFile; }
    /** The hot SKUs split into shards, as {@code SKU-1=4,SKU-2=8} (blank: none; docs/design/sku-shards.md). */
    public String getShards() { return shards; }
    public synchronized void setShards(@Nullable String shards) {
        this.shards = shards == null ? "" : shards;
        this.shardPlan = null;
    }

    /** allotment.shards as the plan the topology and the edge route by; a malformed value stops the start, saying why. */
    public synchronized ShardPlan shardPlan() {
        if (shardPlan == null) {
            shardPlan = parseShards(shards);
        }
        return shardPlan;
    }

    static ShardPlan parseShards(String written) {
        try {
            return ShardPlan.parse(written);
        } catch (IllegalArgumentException malformed) {
            throw new IllegalArgumentException("allotment.shards (ALLOTMENT_SHARDS) must be SKU=N entries separated by commas,"
                + " such as SKU-1=4,SKU-2=8, or empty; " + malformed.getMessage() + " in '" + written + "'", malformed);
        }
    }

    @ConfigurationProperties("kafka")
    public static class Kafka {
        private String bootstrapServers = "127.0.0.1:9092";
        private String configFile;
        private Map<String, String> config = new HashMap<>();
        private KafkaConnection connection;
        public String getBootstrapServers() { return bootstrapServers; }
        public void setBootstrapServers(String bootstrapServers) { this.bootstrapServers = bootstrapServers; }
        /** A properties file of Kafka client settings for every client ({@code ALLOTMENT_KAFKA_CONFIG_FILE}). */
        public String getConfigFile() { return configFile; }
        public void setConfigFile(@Nullable String configFile) { this.configFile = configFile; }
        /** Any Kafka client setting for every client the engine creates ({@code allotment.kafka.config.*}), over the file's. */
        public Map<String, String> getConfig() { return config; }
        public void setConfig(@MapFormat(transformation = MapFormat.MapTransformation.FLAT) Map<String, String> config) {
            this.config = config == null ? new HashMap<>() : new HashMap<>(config);
        }
        /** How every client reaches the cluster: the file, the settings, the bootstrap servers ({@link KafkaConnection}). */
        public synchronized KafkaConnection connection() {
            if (connection == null) {
                connection = KafkaConnection.of(bootstrapServers, configFile, config);
            }
            return connection;
        }
    }

    /**
     * The schema registry: the Confluent Schema Registry API's base URL (a registry's root for Confluent Schema Registry,
     * Karapace, Redpanda; {@code …/apis/ccompat/v7} for Apicurio 2.x), basic auth and a truststore for {@code https}.
     */
    @ConfigurationProperties("registry")
    public static class Registry {
        private String url = "http://127.0.0.1:8081/apis/ccompat/v7";
        private String basicAuthUserInfo = "";
        private Ssl ssl = new Ssl();
        public String getUrl() { return url; }
        public void setUrl(String url) { this.url = url; }
        public String getBasicAuthUserInfo() { return basicAuthUserInfo; }
        public void setBasicAuthUserInfo(String basicAuthUserInfo) { this.basicAuthUserInfo = basicAuthUserInfo; }
        public Ssl getSsl() { return ssl; }
        public void setSsl(Ssl ssl) { this.ssl = ssl; }

        /** The registry client's connection: these settings, checked. */
        public dev.allotment.schemas.RegistryConnection connection() {
            return new dev.allotment.schemas.RegistryConnection(url, basicAuthUserInfo,
                ssl.truststoreLocation == null || ssl.truststoreLocation.isBlank() ? null : java.nio.file.Path.of(ssl.truststoreLocation),
                ssl.truststorePassword, ssl.truststoreType);
        }

        @ConfigurationProperties("ssl")
        public static class Ssl {
            private String truststoreLocation = "";
            private String truststorePassword = "";
            private String truststoreType = "";
            public String getTruststoreLocation() { return truststoreLocation; }
            public void setTruststoreLocation(String truststoreLocation) { this.truststoreLocation = truststoreLocation; }
            public String getTruststorePassword() { return truststorePassword; }
            public void setTruststorePassword(String truststorePassword) { this.truststorePassword = truststorePassword; }
            public String getTruststoreType() { return truststoreType; }
            public void setTruststoreType(String truststoreType) { this.truststoreType = truststoreType; }
        }
    }

    @ConfigurationProperties("topics")
    public static class TopicSettings {
        private String prefix = "allotment.";
        private int partitions = 4;
        private short replicationFactor = 0;
        private int minInsyncReplicas = 0;
        private boolean create = true;
        public String getPrefix() { return prefix; }
        public void setPrefix(String prefix) { this.prefix = prefix; }
        public int getPartitions() { return partitions; }
        public void setPartitions(int partitions) { this.partitions = partitions; }
        public short getReplicationFactor() { return replicationFactor; }
        public void setReplicationFactor(short replicationFactor) { this.replicationFactor = replicationFactor; }
        /** 0: chosen for the cluster (3 on three brokers or more, else one per broker). */
        public int getMinInsyncReplicas() { return minInsyncReplicas; }
        public void setMinInsyncReplicas(int minInsyncReplicas) { this.minInsyncReplicas = minInsyncReplicas; }
        public boolean isCreate() { return create; }
        public void setCreate(boolean create) { this.create = create; }
    }

    @ConfigurationProperties("streams")
    public static class Streams {
        private String applicationId = "allotment-engine";
        private String stateDir = ".allotment/engine/state";
        private int commitIntervalMs = EngineStreamsConfig.COMMIT_INTERVAL_MS;
        private Integer skuCommitIntervalMs;
        private int threads = 1;
        private String advertisedHost = "127.0.0.1";
        private boolean staticMembership = true;
        private boolean leaveGroupOnStop = false;
        private int standbyReplicas = 1;
        private Duration fenceDepartedEvery = Duration.ofSeconds(1);
        private Map<String, String> config = new HashMap<>();
        /** Any Kafka Streams, producer ({@code producer.*}) or consumer ({@code consumer.*}) setting, applied last. */
        public Map<String, String> getConfig() { return config; }
        public void setConfig(@MapFormat(transformation = MapFormat.MapTransformation.FLAT) Map<String, String> config) {
            this.config = config == null ? new HashMap<>() : new HashMap<>(config);
        }
        /**
         * Whether this instance joins the group as a static member ({@code group.instance.id}, from its advertised host and
         * HTTP port, so the same instance restarted keeps its id): restarted after a crash, it takes its partitions back at
         * once instead of waiting for the group to expire its old self.
         */
        public boolean isStaticMembership() { return staticMembership; }
        public void setStaticMembership(boolean staticMembership) { this.staticMembership = staticMembership; }
        /**
         * Whether a stopped static member leaves the group at once (its partitions move to the other instances now) or
         * remains in it for the session timeout (a restart within it takes them back with no rebalance). A dynamic member
         * always leaves. {@code POST /admin/drain} leaves whatever this says.
         */
        public boolean isLeaveGroupOnStop() { return leaveGroupOnStop; }
        public void setLeaveGroupOnStop(boolean leaveGroupOnStop) { this.leaveGroupOnStop = leaveGroupOnStop; }
        /** Warm copies of each task's stores on other instances (none can be placed while one instance runs). */
        public int getStandbyReplicas() { return standbyReplicas; }
        public void setStandbyReplicas(int standbyReplicas) { this.standbyReplicas = standbyReplicas; }
        /**
         * How often this instance looks for transactions left open by instances that have left the group, to end them at
         * once ({@link DepartedFencer}); zero leaves them to the broker's transaction timeout.
         */
        public Duration getFenceDepartedEvery() { return fenceDepartedEvery; }
        public void setFenceDepartedEvery(Duration fenceDepartedEvery) { this.fenceDepartedEvery = fenceDepartedEvery; }
        public String getAdvertisedHost() { return advertisedHost; }
        public void setAdvertisedHost(String advertisedHost) { this.advertisedHost = advertisedHost; }
        public String getApplicationId() { return applicationId; }
        public void setApplicationId(String applicationId) { this.applicationId = applicationId; }
        public String getStateDir() { return stateDir; }
        public void setStateDir(String stateDir) { this.stateDir = stateDir; }
        public int getCommitIntervalMs() { return commitIntervalMs; }
        public void setCommitIntervalMs(int commitIntervalMs) { this.commitIntervalMs = commitIntervalMs; }
        public int getThreads() { return threads; }
        public void setThreads(int threads) { this.threads = threads; }
        /**
         * When set, the SKU tasks run on a Kafka Streams client of their own in this instance, committing this often
         * (docs/design/sku-client.md); unset, one client runs every task at {@link #getCommitIntervalMs}.
         */
        public Integer getSkuCommitIntervalMs() { return skuCommitIntervalMs; }
        public void setSkuCommitIntervalMs(@Nullable Integer skuCommitIntervalMs) { this.skuCommitIntervalMs = skuCommitIntervalMs; }
    }

    /** How the instances of one engine answer for each other (docs/operations.md, "Several instances"). */
    @ConfigurationProperties("cluster")
    public static class Cluster {
        private String secret = "";
        private long maxStandbyLag = 10_000;
        private Duration forwardTimeout = Duration.ofSeconds(2);
        private Duration routeRetry = Duration.ofSeconds(3);
        /** What one instance shows another on the internal routes; the same on every instance. Empty: none forwards. */
        public String getSecret() { return secret; }
        public void setSecret(String secret) { this.secret = secret == null ? "" : secret; }
        /** How many records a standby copy may lag its changelog and still answer a read (marked stale). */
        public long getMaxStandbyLag() { return maxStandbyLag; }
        public void setMaxStandbyLag(long maxStandbyLag) { this.maxStandbyLag = maxStandbyLag; }
        /** How long one forwarded read may take. */
        public Duration getForwardTimeout() { return forwardTimeout; }
        public void setForwardTimeout(Duration forwardTimeout) { this.forwardTimeout = forwardTimeout; }
        /** How long a read looks for a copy that answers (an owner being elected, a moving task) before it answers 503. */
        public Duration getRouteRetry() { return routeRetry; }
        public void setRouteRetry(Duration routeRetry) { this.routeRetry = routeRetry; }
    }

    @ConfigurationProperties("http")
    public static class Http {
        private Duration commandTimeout = Duration.ofSeconds(5);
        public Duration getCommandTimeout() { return commandTimeout; }
        public void setCommandTimeout(Duration commandTimeout) { this.commandTimeout = commandTimeout; }
    }

    @ConfigurationProperties("orders")
    public static class Orders {
        private int maxLines = Limits.DEFAULT_MAX_LINES;
        /** Lines an order may have, at the edge (422) and for orders published straight to Kafka (dead-lettered). */
        public int getMaxLines() { return maxLines; }
        public void setMaxLines(int maxLines) { this.maxLines = maxLines; }
    }

    @ConfigurationProperties("commands")
    public static class Commands {
        private Duration groupTimeout;
        /**
         * How long a command over several SKUs (a manual allocation or a supplier's answer with lines of several SKUs)
         * waits for every SKU's part to be prepared before it is refused as a whole, {@code 409 command_timed_out}.
         * Unset: the engine's default (30 seconds, {@code TopologySettings.DEFAULT_GROUP_TIMEOUT}).
         */
        public Duration getGroupTimeout() { return groupTimeout; }
        public void setGroupTimeout(Duration groupTimeout) { this.groupTimeout = groupTimeout; }
        private Duration answerCommitGap;
        /**
         * The least time between two commits that clients' command outcomes ask for (a manual allocation, a supplier's
         * answer, a stock change: every command the edge answers once committed), so that an answer need not wait for
         * the commit interval. Zero ({@code 0ms}, the default, {@code TopologySettings.DEFAULT_ANSWER_COMMIT_GAP}):
         * outcomes wait for the commit interval.
         */
        public Duration getAnswerCommitGap() { return answerCommitGap; }
        public void setAnswerCommitGap(Duration answerCommitGap) { this.answerCommitGap = answerCommitGap; }
    }

    @ConfigurationProperties("retention")
    public static class Retention {
        private Duration commandOutcomes;
        private Duration orderHistory;
        /**
         * How long a client command's first outcome answers its retries; after it, the same command id is a new command.
         * Unset: the engine's default (24 hours, {@code TopologySettings.DEFAULT_OUTCOME_RETENTION}).
         */
        public Duration getCommandOutcomes() { return commandOutcomes; }
        public void setCommandOutcomes(Duration commandOutcomes) { this.commandOutcomes = commandOutcomes; }
        /**
         * How long a completed or cancelled order's history ({@code GET /orders/{id}/events}, {@code as_of}) is kept after
         * the order became final; its projection stays. Unset (or empty, as application.yml has it without the
         * environment variable): as long as the order.
         */
        public Duration getOrderHistory() { return orderHistory; }
        public void setOrderHistory(@Nullable Duration orderHistory) { this.orderHistory = orderHistory; }
    }

    @ConfigurationProperties("health")
    public static class Health {
        private Duration transactionCheckInterval = Duration.ofSeconds(30);
        private Duration openTransactionAfter = Duration.ofMinutes(1);
        /** How often the engine looks for transactions left open on its topics ({@link TransactionWatch}). */
        public Duration getTransactionCheckInterval() { return transactionCheckInterval; }
        public void setTransactionCheckInterval(Duration interval) { this.transactionCheckInterval = interval; }
        /** How long a transaction may stay open on one of its topics before the engine reports it. */
        public Duration getOpenTransactionAfter() { return openTransactionAfter; }
        public void setOpenTransactionAfter(Duration after) { this.openTransactionAfter = after; }
    }
}
