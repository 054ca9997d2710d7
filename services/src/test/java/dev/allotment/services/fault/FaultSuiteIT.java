package dev.allotment.services.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.events.AllocationEvent;
import dev.allotment.events.Command;
import dev.allotment.events.OrderEvent;
import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderPlaced;
import dev.allotment.events.ReserveLine;
import dev.allotment.schemas.AvroSerdes;
import dev.allotment.schemas.RegistryAvroSerdes;
import dev.allotment.schemas.RegistryConnection;
import dev.allotment.schemas.Topics;
import dev.allotment.services.audit.AuditRun;
import dev.allotment.services.audit.TopicSnapshot;
import dev.allotment.services.support.BrokerProcess;
import dev.allotment.services.support.DroppedMarkers;
import dev.allotment.services.support.EngineProcess;
import dev.allotment.services.support.Http;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.RegistryProcess;
import dev.allotment.streams.support.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

/**
 * The fault suite (issue 15): several clients place orders, change stock, allocate by hand, complete, cancel and answer
 * as suppliers, every write with an Idempotency-Key and retried with it until its answer is final, while the engine is
 * SIGKILLed at random moments (10 times by default) and restarted on its state, the broker and the registry are each
 * killed and restarted once, and a poison record goes to every input topic (and an engine command forged on the
 * edge's). Afterwards, on the quiet engine: the audit
 * finds no difference, every 2xx had exactly one effect in the decision log and every 4xx none, each warehouse's
 * physical stock is its count plus the 2xx adjustments less the completions, every poison record is a dead letter, and
 * no routed order line waits. Broker, registry and engine are child processes of the test (as {@code ./allotment up}
 * runs them), so that each can be killed. Sizes: {@link FaultSettings}; a soak: docs/testing.md.
 *
 * <p>Under exactly-once a restarted engine waits out its dead predecessor's consumer-group session (45 s by default);
 * the engine here runs with a 6 s session ({@code allotment.streams.config.session.timeout.ms}, the broker's minimum),
 * so that ten kills fit in a CI run.
 */
class FaultSuiteIT {
    static final List<String> SKUS = List.of("F-1", "F-2", "F-3", "F-4", "F-5");
    static final List<String> WAREHOUSES = List.of("wh-a", "wh-b");
    static final int INITIAL_STOCK = 12;
    static final String ADMIN = "fault-admin";
    static final Topics TOPICS = Topics.withPrefix("fault.");

    @Test
    void killsRestartsAndPoisonLeaveEveryAnswerTrueAndTheAuditClean() throws Exception {
        FaultSettings settings = FaultSettings.fromEnvironment();
        Path work = Files.createDirectories(Path.of("target", "fault-suite", Long.toString(System.currentTimeMillis(), 36)))
            .toAbsolutePath();
        System.out.println("fault suite: " + settings + "; logs and data in " + work);
        long t0 = System.nanoTime();
        try (BrokerProcess broker = BrokerProcess.start(work.resolve("broker"));
             RegistryProcess registry = RegistryProcess.start(work.resolve("registry"), RealInfrastructure.freePort());
             EngineProcess engine = new EngineProcess(engineEnvironment(broker, registry, work, settings), List.of(
                 "-Dallotment.streams.config.session.timeout.ms=6000", "-Dallotment.streams.config.heartbeat.interval.ms=1500",
                 // find a hanging transaction within the operator's patience (Operator)
                 "-Dallotment.health.transaction-check-interval=5s", "-Dallotment.health.open-transaction-after=15s"),
                 work.resolve("engine.log"))) {
            Operator operator = new Operator(engine, broker, ADMIN);
            operator.start(Chaos.RECOVERY);
            Http admin = engine.http();
            setUp(admin);
            AvroSerdes serdes = new RegistryAvroSerdes(RegistryConnection.of(registry.confluentApi()));
            Run run = new Run(settings, engine, operator, broker, registry, serdes);
            run.load();
            run.settle(broker.bootstrap());
            List<String> failures = new ArrayList<>(run.tally.failures);
            AuditRun.Result audit = AuditRun.of(broker.bootstrap(), TOPICS, serdes, engine.base(), ADMIN);
            audit.differences().forEach(d -> failures.add("audit: " + d));
            List<AllocationEvent> log = decisionLog(broker.bootstrap(), serdes);
            EffectChecks effects = new EffectChecks(log);
            failures.addAll(effects.check(run.expected));
            failures.addAll(physicalStock(admin, run.expected, log));
            failures.addAll(nothingWaits(admin, run.expected));
            Map<String, String> letters = deadLetters(broker.bootstrap());
            run.poison.sent.forEach((key, topic) -> {
                if (!topic.equals(letters.get(key))) {
                    failures.add("poison record " + key + " on " + topic + " is not on the dead letters");
                }
            });
            // Kafka's own fault, named so that a failure it causes reads as such (DroppedMarkers)
            List<DroppedMarkers.Drop> dropped = DroppedMarkers.in(work.resolve("broker").resolve("logs"));
            String summary = run.summary(log.size(), letters, audit, Duration.ofNanos(System.nanoTime() - t0))
                + "; stock adjustment batches applied in part (each adjustment decided alone) " + effects.partial().size()
                + "; transactions whose markers the broker dropped after a restart (KAFKA-20734) " + dropped.size() + " "
                + dropped + "; failed checks " + failures.size();
            System.out.println(summary);
            // the SKU client's pass (services/pom.xml) appends its own line
            Files.writeString(Path.of("target", "fault-suite", "summary.txt"), summary + System.lineSeparator(),
                StandardOpenOption.CREATE, RealInfrastructure.skuCommitInterval().isPresent() ? StandardOpenOption.APPEND
                    : StandardOpenOption.TRUNCATE_EXISTING);
            effects.partial().forEach(p -> System.out.println("PARTIAL BATCH " + p));
            failures.forEach(f -> System.out.println("FAILURE " + f));
            assertTrue(failures.isEmpty(), failures.size() + " failures (logs in " + work + ")"
                + (dropped.isEmpty() ? "" : "; the broker dropped the markers of " + dropped.size() + " transaction(s) after a "
                    + "restart, which leaves a transaction open where they were not written before the crash, and a later "
                    + "marker of its producer ends it (docs/upstream/kafka-transaction-split-after-broker-kill.md)")
                + ", first: "
                + failures.subList(0, Math.min(20, failures.size())) + "\n" + summary);
            assertTrue(run.chaos.killsSurvived >= settings.kills(), summary);
        }
    }

    private static Map<String, String> engineEnvironment(BrokerProcess broker, RegistryProcess registry, Path work,
                                                         FaultSettings settings) {
        StringBuilder keys = new StringBuilder(ADMIN + "=admin,fault-centra=supplier:sup-c,fault-crux=supplier:sup-c");
        for (int i = 1; i <= settings.platformClients(); i++) {
            keys.append(",fault-platform-").append(i).append("=platform");
        }
        return Map.of("ALLOTMENT_KAFKA", broker.bootstrap(), "ALLOTMENT_REGISTRY", registry.confluentApi(),
            "ALLOTMENT_STATE_DIR", work.resolve("engine-state").toString(), "ALLOTMENT_TOPIC_PREFIX", TOPICS.prefix(),
            "ALLOTMENT_APPLICATION_ID", "fault-engine", "ALLOTMENT_API_KEYS", keys.toString(),
            "ALLOTMENT_WEBHOOK_SECRET", "fault-suite");
    }

    /**
     * Two warehouses that track stock, a supplier that confirms (20 s to answer), a drop-shipper; channel web goes to
     * the warehouses, then to the supplier (direct before confirm: the drop-shipper would leave the supplier nothing),
     * channel drop to a warehouse, then to the drop-shipper.
     */
    private static void setUp(Http admin) {
        put(admin, "/locations/wh-a", "{\"name\":\"A\",\"kind\":\"WAREHOUSE\",\"confirm_mode\":\"DIRECT\",\"tracks_stock\":true}");
        put(admin, "/locations/wh-b", "{\"name\":\"B\",\"kind\":\"WAREHOUSE\",\"confirm_mode\":\"DIRECT\",\"tracks_stock\":true}");
        put(admin, "/locations/sup-c", "{\"name\":\"C\",\"kind\":\"SUPPLIER\",\"confirm_mode\":\"CONFIRM\","
            + "\"confirm_timeout_seconds\":20,\"tracks_stock\":false}");
        put(admin, "/locations/drop-d", "{\"name\":\"D\",\"kind\":\"SUPPLIER\",\"confirm_mode\":\"DIRECT\",\"tracks_stock\":false}");
        put(admin, "/channels/web/routing", "{\"locations\":[\"wh-a\",\"wh-b\",\"sup-c\"]}");
        put(admin, "/channels/drop/routing", "{\"locations\":[\"wh-b\",\"drop-d\"]}");
        for (String sku : SKUS) {
            for (String location : WAREHOUSES) {
                put(admin, "/stock/" + location + "/" + sku, "{\"physical\":" + INITIAL_STOCK + "}");
            }
        }
    }

    private static void put(Http admin, String path, String body) {
        assertEquals(200, admin.send("PUT", path, body, "Authorization", "Bearer " + ADMIN).status(), path);
    }

    /** Every committed decision, decoded (the poison tombstones left out). */
    private static List<AllocationEvent> decisionLog(String bootstrap, AvroSerdes serdes) {
        Deserializer<AllocationEvent> decoder = serdes.value(AllocationEvent.class).deserializer();
        List<AllocationEvent> log = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicSnapshot.read(bootstrap, TOPICS.allocationEvents()).records()) {
            if (r.value() != null) {
                log.add(decoder.deserialize(TOPICS.allocationEvents(), r.value()));
            }
        }
        return log;
    }

    /** The dead letters' keys and the topics they came from. */
    private static Map<String, String> deadLetters(String bootstrap) {
        Map<String, String> letters = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicSnapshot.read(bootstrap, TOPICS.deadLetters()).records()) {
            if (r.key() != null) {
                letters.put(new String(r.key(), StandardCharsets.UTF_8), DeadLetters.header(r.headers(), DeadLetters.TOPIC));
            }
        }
        return letters;
    }

    /**
     * Each warehouse's physical stock: its count, plus every 2xx adjustment once, less every 2xx completion once. A
     * completion ships what its allocation held then, which the decision log says: an adjustment below what was allocated
     * may have taken part of it back before (allocations give way to a count).
     */
    private static List<String> physicalStock(Http admin, Expected expected, List<AllocationEvent> log) {
        Map<String, Integer> want = new HashMap<>();
        for (String sku : SKUS) {
            for (String location : WAREHOUSES) {
                want.put(Expected.place(sku, location), INITIAL_STOCK + expected.adjusted.getOrDefault(Expected.place(sku, location), 0));
            }
        }
        Map<String, Expected.Completion> completed = new HashMap<>();
        expected.completions.values().forEach(c -> completed.put(c.allocationId(), c));
        for (AllocationEvent e : log) {
            if (e.getPayload() instanceof dev.allotment.events.AllocationCompleted done && completed.containsKey(done.getAllocationId())) {
                Expected.Completion c = completed.get(done.getAllocationId());
                done.getLines().forEach(l -> want.merge(Expected.place(l.getSku(), c.location()), -l.getQuantity(), Integer::sum));
            }
        }
        List<String> failures = new ArrayList<>();
        for (String sku : SKUS) {
            JsonNode stock = admin.send("GET", "/stock/" + sku, null, "Authorization", "Bearer " + ADMIN).json();
            for (JsonNode level : stock.path("locations")) {
                Integer physical = want.get(Expected.place(sku, level.path("location_id").asText()));
                if (physical != null && physical != level.path("physical").asInt()) {
                    failures.add(sku + " at " + level.path("location_id").asText() + ": physical " + level.path("physical").asInt()
                        + ", but the count and the 2xx adjustments and completions make " + physical);
                }
            }
        }
        return failures;
    }

    /**
     * Nothing waits undecided: every line of an order on channel drop that was not cancelled is allocated in full (the
     * drop-shipper takes anything), and a line on channel web waits only for a SKU that neither warehouse has available
     * (the supplier has answered it, or let its request expire).
     */
    private static List<String> nothingWaits(Http admin, Expected expected) {
        List<String> failures = new ArrayList<>();
        Map<String, List<String>> waitingWeb = new HashMap<>();
        for (Expected.Order order : expected.placed.values()) {
            if (order.channel().equals("manual") || expected.cancelled.contains(order.orderId())) {
                continue;
            }
            JsonNode view = admin.send("GET", "/orders/" + order.orderId(), null, "Authorization", "Bearer " + ADMIN).json();
            if (view.path("status").asText().equals("cancelled")) {
                continue;   // cancelled by a call whose first attempt applied, while its retry was refused
            }
            for (JsonNode line : view.path("lines")) {
                String waits = "order " + order.orderId() + " line " + line.path("line_id").asText() + " (" + order.channel()
                    + ") waits with " + line.path("allocated_quantity").asInt() + " of " + line.path("quantity").asInt() + " allocated";
                if (line.path("allocated_quantity").asInt() == line.path("quantity").asInt()) {
                    continue;
                } else if (order.channel().equals("drop")) {
                    failures.add(waits);
                } else {
                    waitingWeb.computeIfAbsent(line.path("sku").asText(), k -> new ArrayList<>()).add(waits);
                }
            }
        }
        waitingWeb.forEach((sku, lines) -> {
            for (JsonNode level : admin.send("GET", "/stock/" + sku, null, "Authorization", "Bearer " + ADMIN).json().path("locations")) {
                if (WAREHOUSES.contains(level.path("location_id").asText()) && level.path("available").asInt() > 0) {
                    failures.add(lines.get(0) + ", though " + level.path("location_id").asText() + " has "
                        + level.path("available").asInt() + " of " + sku + " available (" + lines.size() + " such lines)");
                }
            }
        });
        return failures;
    }

    /** An OrderPlaced in the registry's wire format: with bytes after it, the poison for allotment.order-events. */
    static byte[] framedOrderEvent(AvroSerdes serdes) {
        OrderEvent placed = OrderEvent.newBuilder().setEventId("poison-e").setOccurredAt(Instant.now())
            .setPayload(OrderPlaced.newBuilder().setOrderId("poison-order").setChannel("web").setPlacedAt(Instant.now())
                .setLines(List.of(new OrderLine("l-1", SKUS.get(0), 1))).build()).build();
        return serdes.value(OrderEvent.class).serializer().serialize(TOPICS.orderEvents(), placed);
    }

    /**
     * An order line as the engine sends it to its SKU's partition, in the registry's wire format, taking far more than
     * the SKU's stock: the poison forged on allotment.commands, where the engine takes none of its own commands.
     */
    static byte[] forgedEngineCommand(AvroSerdes serdes) {
        Command line = Command.newBuilder().setCommandId("poison-forged:reserve:l-1").setIssuedAt(Instant.now())
            .setPrincipal("engine").setOrderId("poison-forged").setPayload(new ReserveLine("l-1", SKUS.get(0), 1_000, "web", 0,
                Instant.now(), null, "al-poison-forged", false, null)).build();
        return serdes.value(Command.class).serializer().serialize(TOPICS.commands(), line);
    }

    /** Waits until no record has been added to {@code topics} for 5 s (at most 2 minutes). */
    static void quiet(String bootstrap, List<String> topics) throws InterruptedException {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            topics.forEach(t -> consumer.partitionsFor(t).forEach(p -> partitions.add(new TopicPartition(t, p.partition()))));
            consumer.assign(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            Map<TopicPartition, Long> before = Map.of();
            while (System.nanoTime() < deadline) {
                Map<TopicPartition, Long> now = consumer.endOffsets(partitions);
                if (now.equals(before)) {
                    return;
                }
                before = now;
                Thread.sleep(5000);
            }
            throw new IllegalStateException("the engine's topics did not go quiet within 2 minutes");
        }
    }

    /** The clients, the chaos and the poison of one run, and what they counted. */
    static final class Run {
        final FaultSettings settings;
        final EngineProcess engine;
        final Operator operator;
        final Tally tally = new Tally();
        final Expected expected = new Expected();
        final AtomicBoolean stopClients = new AtomicBoolean();
        final AtomicBoolean stopPoison = new AtomicBoolean();
        final Chaos chaos;
        final PoisonFeeder poison;
        final List<FaultClient> clients = new ArrayList<>();
        final SupplierClient centra;
        int drained;

        Run(FaultSettings settings, EngineProcess engine, Operator operator, BrokerProcess broker, RegistryProcess registry,
            AvroSerdes serdes) {
            this.settings = settings;
            this.engine = engine;
            this.operator = operator;
            this.chaos = new Chaos(settings, engine, operator, broker, registry, settings.seed(), tally.failures);
            this.poison = new PoisonFeeder(broker.bootstrap(), TOPICS, framedOrderEvent(serdes), forgedEngineCommand(serdes),
                settings.seed() + 1, stopPoison);
            for (int i = 1; i <= settings.platformClients(); i++) {
                clients.add(new PlatformClient("fault-platform-" + i, "fault-platform-" + i, engine.http(), settings.seed() + 10 + i,
                    tally, expected, stopClients));
            }
            centra = new SupplierClient("fault-centra", "fault-centra", false, engine.http(), settings.seed() + 2, tally, expected,
                stopClients);
            clients.add(centra);
            clients.add(new SupplierClient("fault-crux", "fault-crux", true, engine.http(), settings.seed() + 3, tally, expected,
                stopClients));
        }

        /** Clients, chaos and poison together, until the load time is over and every planned kill is done. */
        void load() throws InterruptedException {
            List<Thread> threads = new ArrayList<>();
            clients.forEach(c -> threads.add(new Thread(c, c.name)));
            Thread chaosThread = new Thread(chaos, "chaos");
            Thread poisonThread = new Thread(poison, "poison");
            threads.forEach(Thread::start);
            chaosThread.start();
            poisonThread.start();
            Thread.sleep(settings.load().toMillis());
            chaosThread.join();
            stopClients.set(true);
            stopPoison.set(true);
            for (Thread t : threads) {
                t.join();
            }
            poisonThread.join();
        }

        /** The engine healthy, every pending supplier request confirmed, and nothing left moving on the topics. */
        void settle(String bootstrap) throws Exception {
            operator.awaitHealthy(Chaos.RECOVERY);
            drained = centra.confirmPending();
            quiet(bootstrap, List.of(TOPICS.orderEvents(), TOPICS.commands(), TOPICS.engineCommands(), TOPICS.stockEvents(),
                TOPICS.allocationEvents()));
        }

        String summary(int decisions, Map<String, String> letters, AuditRun.Result audit, Duration took) {
            long deadLettered = poison.sent.keySet().stream().filter(letters::containsKey).count();
            String mode = RealInfrastructure.skuCommitInterval().map(ms -> " (SKU tasks on a client of their own, " + ms + " ms)")
                .orElse("");
            return "fault suite" + mode + ": " + chaos.killsSurvived + " of " + settings.kills() + " engine kills survived (" + chaos.killsDuringStart
                + " of them while it started again; longest recovery "
                + chaos.longestRecoveryMs + " ms), broker restarts " + chaos.brokerRestarts + ", registry restarts "
                + chaos.registryRestarts + ", hanging transactions the operator aborted " + operator.aborted.size() + " "
                + operator.aborted + "; " + tally.calls.sum() + " client writes, final " + tally.finals() + " " + tally.byKind() + ", "
                + tally.retries() + " retries " + tally.retryReasons() + ", " + tally.pendingThenDecided.sum()
                + " answered 202 then decided; commands applied (2xx writes) " + tally.finalsOf(2) + "; supplier requests confirmed at "
                + "the end " + drained + "; decisions in the log " + decisions + "; poison records sent " + poison.sent.size()
                + ", dead-lettered " + deadLettered + " (dead letters in all " + letters.size() + " keys); audit differences "
                + audit.differences().size() + " (" + audit.summary() + "); took " + took.toSeconds() + " s";
        }
    }
}
