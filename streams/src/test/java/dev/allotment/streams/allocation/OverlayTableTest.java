package dev.allotment.streams.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class OverlayTableTest {
    private static List<String> scan(Table<String> table, String prefix, int max) {
        List<String> seen = new ArrayList<>();
        table.scan(prefix, (k, v) -> {
            seen.add(k + "=" + v);
            return seen.size() < max;
        });
        return seen;
    }

    @Test
    void aDraftShowsItsWritesOverTheBaseAndWritesNothingUntilApplied() {
        MapTable<String> base = new MapTable<>(v -> v);
        base.put("a1", "x");
        base.put("a3", "y");
        base.put("b1", "z");
        OverlayTable<String> draft = new OverlayTable<>(base, v -> v);
        draft.put("a2", "new");
        draft.put("a3", "changed");
        draft.delete("a1");

        assertEquals(List.of("a2=new", "a3=changed"), scan(draft, "a", 100));
        assertEquals(List.of("a2=new"), scan(draft, "a", 1), "a scan stops where its visitor says");
        assertNull(draft.get("a1"));
        assertEquals(List.of("a1=x", "a3=y"), scan(base, "a", 100), "the base is untouched before apply");
        assertEquals(List.of("a1", "a2", "a3"), iterate(draft.written()));

        draft.apply();
        assertEquals(List.of("a2=new", "a3=changed", "b1=z"), scan(base, "", 100));
        assertEquals(List.of(), iterate(draft.written()), "applied: the draft is empty");
    }

    /** Random writes and scans against a plain map that takes every write at once: the same answers. */
    @Test
    void scansAgreeWithAMapThatTakesTheWritesAtOnce() {
        Random random = new Random(7);
        for (int round = 0; round < 300; round++) {
            MapTable<String> base = new MapTable<>(v -> v);
            TreeMap<String, String> model = new TreeMap<>();
            for (int i = 0; i < 12; i++) {
                String k = key(random);
                base.put(k, "b" + i);
                model.put(k, "b" + i);
            }
            OverlayTable<String> draft = new OverlayTable<>(base, v -> v);
            for (int i = 0; i < 12; i++) {
                String k = key(random);
                if (random.nextBoolean()) {
                    draft.put(k, "d" + i);
                    model.put(k, "d" + i);
                } else {
                    draft.delete(k);
                    model.remove(k);
                }
            }
            String prefix = random.nextBoolean() ? "" : String.valueOf((char) ('a' + random.nextInt(3)));
            int max = 1 + random.nextInt(10);
            Map<String, String> expected = new LinkedHashMap<>();
            model.tailMap(prefix).forEach((k, v) -> {
                if (k.startsWith(prefix) && expected.size() < max) {
                    expected.put(k, v);
                }
            });
            List<String> want = expected.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
            assertEquals(want, scan(draft, prefix, max), "round " + round);
            draft.apply();
            assertEquals(model.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList(), scan(base, "", 1000));
        }
    }

    private static String key(Random random) {
        return (char) ('a' + random.nextInt(3)) + Integer.toString(random.nextInt(6));
    }

    private static List<String> iterate(Iterable<String> keys) {
        List<String> out = new ArrayList<>();
        keys.forEach(out::add);
        return out;
    }
}
