package dev.allotment.services.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.events.AllocationProjection;
import dev.allotment.events.LineProjection;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.ProjectedAllocationLine;
import dev.allotment.events.StockLevel;
import dev.allotment.schemas.RegistryAvroSerdes;
import dev.allotment.schemas.RegistryConnection;
import dev.allotment.schemas.Topics;
import dev.allotment.services.engine.KafkaConnection;
import dev.allotment.streams.allocation.PartStatus;
import dev.allotment.streams.audit.DecisionReplay;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code ./allotment audit}: recomputes every stock level and every order line's allocation from the event topics alone
 * (the decision log, the stock events, the dead letters), checks the invariants of DESIGN §4 on them, and compares
 * them with the live engine (its HTTP edge) and the projection topics. Prints every difference; exits 1 when there is
 * one, 2 when it cannot run. Run it on a quiet engine: a command decided while it reads shows up as a difference.
 */
public final class Audit {
    private final EngineLogs logs;
    private final LiveEngine live;
    private final List<String> differences = new ArrayList<>();
    private int placesChecked;
    private int placesNotRecomputable;
    private int linesChecked;

    Audit(EngineLogs logs, LiveEngine live) {
        this.logs = logs;
        this.live = live;
    }

    public static void main(String[] args) {
        try {
            Map<String, String> options = options(args);
            Topics topics = Topics.withPrefix(options.getOrDefault("prefix", "allotment."));
            // a secured cluster and registry as the engine reaches them: the same file and variables
            KafkaConnection kafka = KafkaConnection.of(options.getOrDefault("kafka", "127.0.0.1:9092"),
                options.getOrDefault("command-config", System.getenv("ALLOTMENT_KAFKA_CONFIG_FILE")), Map.of());
            String truststore = System.getenv("ALLOTMENT_REGISTRY_TRUSTSTORE");
            RegistryConnection registry = new RegistryConnection(options.getOrDefault("registry",
                "http://127.0.0.1:8081/apis/ccompat/v7"), System.getenv("ALLOTMENT_REGISTRY_USER_INFO"),
                truststore == null || truststore.isBlank() ? null : java.nio.file.Path.of(truststore),
                System.getenv("ALLOTMENT_REGISTRY_TRUSTSTORE_PASSWORD"), null);
            EngineLogs logs = EngineLogs.read(kafka, topics, new RegistryAvroSerdes(registry));
            String key = options.get("key");
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("an API key that may read stock and orders is required (--key)");
            }
            Audit audit = new Audit(logs, new LiveEngine(options.getOrDefault("http", "http://127.0.0.1:8080"), key));
            List<String> differences = audit.run();
            differences.forEach(d -> System.out.println("DIFFERENCE " + d));
            System.out.println(audit.summary());
            System.exit(differences.isEmpty() ? 0 : 1);
        } catch (RuntimeException e) {
            System.err.println("audit: cannot run: " + e.getMessage());
            System.exit(2);
        }
    }

    /** Every difference found, each naming what and where. */
    List<String> run() {
        // a decision about an allocation the log never made: the log lacks what the engine's state took (invariant 3)
        logs.decisions.unmade().forEach(d -> differences.add(d + " (invariant 3)"));
        places();
        lines();
        return List.copyOf(differences);
    }

    String summary() {
        return "audit: " + logs.decisionsRead + " decisions and " + logs.stockEventsApplied + " stock events replayed ("
            + logs.deadLetters + " dead letters); " + placesChecked + " places checked (" + placesNotRecomputable
            + " with a count taken while completions went on: physical stock not recomputed), " + linesChecked
            + " order lines checked; " + differences.size() + " differences";
    }

    private void places() {
        Set<DecisionReplay.At> places = new HashSet<>(logs.stock.places());
        places.addAll(logs.decisions.allocated().keySet());
        places.addAll(logs.stockLevels.keySet());
        Map<String, Optional<JsonNode>> skus = new HashMap<>();
        for (DecisionReplay.At at : places.stream().sorted(Comparator.comparing(DecisionReplay.At::sku)
                .thenComparing(DecisionReplay.At::locationId)).toList()) {
            placesChecked++;
            JsonNode level = skus.computeIfAbsent(at.sku(), live::stock).map(s -> locationOf(s, at.locationId())).orElse(null);
            place(at, level);
        }
    }

    private void place(DecisionReplay.At at, JsonNode level) {
        long allocated = logs.decisions.allocated().getOrDefault(at, 0L);
        long liveAllocated = level == null ? 0 : level.path("allocated").asLong();
        long livePhysical = level == null ? 0 : level.path("physical").asLong();
        String where = at.sku() + " at " + at.locationId();
        // a location that tracks stock now but did not at some time may still hold what was allocated there then, which
        // nothing limited (an untracked location allocates on the supplier's word): no-oversell cannot be judged there
        boolean tracks = logs.tracksStock.getOrDefault(at.locationId(), true) && !logs.untrackedOnce.contains(at.locationId());
        if (liveAllocated < 0 || (tracks && liveAllocated > livePhysical)) {
            differences.add(where + ": live allocated " + liveAllocated + " is outside 0.." + livePhysical + " (invariant 1)");
        }
        if (allocated != liveAllocated) {
            differences.add(where + ": the decision log says " + allocated + " allocated, the engine " + liveAllocated + " (invariant 3)");
        }
        if (logs.stock.exact(at)) {
            long physical = logs.stock.physical(at);
            if (physical != livePhysical) {
                differences.add(where + ": the stock events and completions say " + physical + " physical, the engine " + livePhysical);
            }
        } else {
            placesNotRecomputable++;
        }
        StockLevel projected = logs.stockLevels.get(at);
        if (projected != null && (projected.getAllocated() != liveAllocated || projected.getPhysical() != livePhysical)) {
            differences.add(where + ": allotment.stock-levels says " + projected.getPhysical() + " physical / " + projected.getAllocated()
                + " allocated, the engine " + livePhysical + " / " + liveAllocated + " (invariant 5)");
        }
    }

    private static JsonNode locationOf(JsonNode stock, String locationId) {
        for (JsonNode l : stock.path("locations")) {
            if (l.path("location_id").asText().equals(locationId)) {
                return l;
            }
        }
        return null;
    }

    private void lines() {
        Map<String, List<DecisionReplay.Line>> byOrder = new HashMap<>();
        logs.decisions.lines().values().forEach(l -> byOrder.computeIfAbsent(l.orderId(), k -> new ArrayList<>()).add(l));
        for (Map.Entry<String, List<DecisionReplay.Line>> order : new TreeMap<>(byOrder).entrySet()) {
            JsonNode liveOrder = live.order(order.getKey()).orElse(null);
            OrderProjection projected = logs.orderProjections.get(order.getKey());
            for (DecisionReplay.Line line : order.getValue()) {
                linesChecked++;
                line(line, liveOrder, projected);
            }
        }
    }

    private void line(DecisionReplay.Line line, JsonNode liveOrder, OrderProjection projected) {
        String which = "order " + line.orderId() + " line " + line.lineId();
        if (line.allocated() < 0 || line.allocated() > line.quantity()) {
            differences.add(which + ": the decision log allocates " + line.allocated() + " of " + line.quantity() + " (invariant 2)");
        }
        long liveAllocated = liveLine(liveOrder, line.lineId());
        if (liveAllocated != line.allocated()) {
            differences.add(which + ": the decision log says " + line.allocated() + " allocated, the engine " + liveAllocated);
        }
        if (projected != null) {
            long inProjection = projected.getLines().stream().filter(l -> l.getLineId().equals(line.lineId()))
                .mapToLong(LineProjection::getAllocatedQuantity).sum();
            long inAllocations = 0;
            for (AllocationProjection a : projected.getAllocations()) {
                for (ProjectedAllocationLine item : a.getLines()) {
                    if (item.getLineId().equals(line.lineId()) && (item.getCompleted() || PartStatus.of(item.getStatus()).holdsStock())) {
                        inAllocations += item.getQuantity();
                    }
                }
            }
            if (inProjection != liveAllocated || inAllocations != inProjection) {
                differences.add(which + ": allotment.order-projections says " + inProjection + " allocated in " + inAllocations
                    + " held or shipped, the engine " + liveAllocated + " (invariants 2 and 5)");
            }
        }
    }

    private static long liveLine(JsonNode order, String lineId) {
        if (order == null) {
            return -1;
        }
        for (JsonNode l : order.path("lines")) {
            if (l.path("line_id").asText().equals(lineId)) {
                return l.path("allocated_quantity").asLong();
            }
        }
        return -1;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: audit [--kafka HOST:PORT] [--registry URL] [--http URL] [--prefix P] --key KEY");
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }
}
