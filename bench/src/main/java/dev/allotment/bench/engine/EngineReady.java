package dev.allotment.bench.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Utils;

/**
 * Set-up steps of the engine scenarios, each confirmed on the engine's own HTTP reads before load starts: the routing
 * (an order placed before the engine knows its channel's routing is not auto-allocated at all), and the stock.
 */
public final class EngineReady {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration BOUND = Duration.ofSeconds(120);

    private EngineReady() {}

    /** One location's stock as the engine reports it. */
    public record Level(int physical, int allocated, int available) {}

    /** Waits until the engine routes {@link Platform#CHANNEL} over {@code ids} and knows each of those locations. */
    public static void routing(EngineStack stack, List<String> ids) throws Exception {
        Polling.await(BOUND, () -> {
            HttpResponse<String> r = stack.get("/channels/" + Platform.CHANNEL + "/routing");
            if (r.statusCode() != 200) {
                return false;
            }
            List<String> routed = new ArrayList<>();
            JSON.readTree(r.body()).path("locations").forEach(n -> routed.add(n.asText()));
            if (!routed.equals(ids)) {
                return false;
            }
            for (String id : ids) {
                if (stack.get("/locations/" + id).statusCode() != 200) {
                    return false;
                }
            }
            return true;
        });
    }

    /** The engine's stock of {@code sku} per location (GET /stock/{sku}); empty when it knows none. */
    public static Map<String, Level> stock(EngineStack stack, String sku) throws Exception {
        HttpResponse<String> r = stack.get("/stock/" + sku);
        Map<String, Level> levels = new LinkedHashMap<>();
        if (r.statusCode() == 404) {
            return levels;
        }
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET /stock/" + sku + " answered " + r.statusCode() + ": " + r.body());
        }
        for (JsonNode l : JSON.readTree(r.body()).path("locations")) {
            levels.put(l.path("location_id").asText(), new Level(l.path("physical").asInt(), l.path("allocated").asInt(),
                l.path("available").asInt()));
        }
        return levels;
    }

    /** Waits until the engine holds {@code physical} of {@code sku} at each of the given locations. */
    public static void stock(EngineStack stack, String sku, Map<String, Integer> physical) throws Exception {
        Polling.await(BOUND, () -> {
            Map<String, Level> levels = stock(stack, sku);
            return physical.entrySet().stream().allMatch(e ->
                levels.containsKey(e.getKey()) && levels.get(e.getKey()).physical() == e.getValue());
        });
    }

    /**
     * The SKU each partition of a topic of {@code partitions} partitions receives last when SKUs 0…skus-1 are published
     * in order (the producer's default partitioner: murmur2 of the key). When the engine knows these, it has applied
     * every stock event before them.
     */
    public static List<Integer> lastSkuOfEachPartition(int skus, int partitions) {
        Integer[] last = new Integer[partitions];
        for (int s = 0; s < skus; s++) {
            last[partitionOf(Platform.sku(s), partitions)] = s;
        }
        List<Integer> result = new ArrayList<>();
        for (Integer s : last) {
            if (s != null) {
                result.add(s);
            }
        }
        return result;
    }

    static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** The last lines of the engine's log, to print when a scenario fails (the stack deletes its directory on close). */
    public static String logTail(EngineStack stack, int lines) {
        try {
            List<String> all = List.of(new String(Files.readAllBytes(stack.engineLog()), StandardCharsets.UTF_8).split("\n"));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (Exception e) {
            return "(no engine log: " + e + ")";
        }
    }
}
