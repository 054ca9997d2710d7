package dev.allotment.services.fuzz;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Mutates a valid JSON body: values of the wrong type, nulls, numbers past int and long, quoted numbers, odd strings and
 * ids, very long strings, deep nesting, missing, extra and duplicated fields and items, empty arrays; or the text itself:
 * cut short, not JSON, not an object, invalid UTF-8, near and over the size limit.
 */
final class JsonMutator {
    /** Reads numbers exactly (1.0000000000000000000001 stays what it is), as the model must. */
    static final ObjectMapper JSON = JsonMapper.builder(factory()).nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
        .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
    private static final ObjectMapper ASCII = JsonMapper.builder(factory()).enable(JsonGenerator.Feature.ESCAPE_NON_ASCII).build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private JsonMutator() {}

    /** Reads with Jackson's default limits, as the edge does; writes any depth (the fuzz nests values past the limit). */
    private static com.fasterxml.jackson.core.JsonFactory factory() {
        return com.fasterxml.jackson.core.JsonFactory.builder()
            .streamWriteConstraints(com.fasterxml.jackson.core.StreamWriteConstraints.builder().maxNestingDepth(1_000_000).build())
            .build();
    }

    /** A place in the tree: a field of an object or an item of an array, with its path for the report. */
    private record Slot(JsonNode container, String field, int index, String path) {
        JsonNode value() {
            return field != null ? container.get(field) : container.get(index);
        }

        void set(JsonNode value) {
            if (field != null) {
                ((ObjectNode) container).set(field, value);
            } else {
                ((ArrayNode) container).set(index, value);
            }
        }

        void remove() {
            if (field != null) {
                ((ObjectNode) container).remove(field);
            } else {
                ((ArrayNode) container).remove(index);
            }
        }
    }

    /** Applies one to three mutations to {@code root} in place, each noted. */
    static void mutate(Random random, com.fasterxml.jackson.databind.node.ContainerNode<?> root, List<String> notes) {
        int times = 1 + random.nextInt(random.nextInt(4) == 0 ? 3 : 1);
        for (int i = 0; i < times; i++) {
            List<Slot> slots = new ArrayList<>();
            collect(root, "", slots);
            if (slots.isEmpty() || random.nextInt(10) == 0) {
                String name = random.nextBoolean() ? "unexpected_field" : Values.oddString(random);
                if (root instanceof ObjectNode object) {
                    object.set(name, oddValue(random));
                    notes.add("extra field " + Text.escape(Text.shorten(name, 40)));
                } else {
                    ((ArrayNode) root).add(oddValue(random));
                    notes.add("extra item");
                }
                continue;
            }
            mutate(random, slots.get(random.nextInt(slots.size())), notes);
        }
    }

    private static void mutate(Random random, Slot slot, List<String> notes) {
        JsonNode value = slot.value();
        int choice = random.nextInt(10);
        if (choice == 0) {
            slot.remove();
            notes.add(slot.path() + " removed");
        } else if (choice == 1) {
            slot.set(NODES.nullNode());
            notes.add(slot.path() + " null");
        } else if (value.isArray() && choice <= 4) {
            ArrayNode array = (ArrayNode) value;
            if (array.isEmpty() || choice == 2) {
                array.removeAll();
                notes.add(slot.path() + " emptied");
            } else if (choice == 3) {
                array.add(array.get(random.nextInt(array.size())).deepCopy());
                notes.add(slot.path() + " item duplicated");
            } else {
                JsonNode item = array.get(0);
                int n = Values.pick(random, List.of(50, 501, 2_000));
                for (int i = 0; i < n; i++) {
                    array.add(item.deepCopy());
                }
                notes.add(slot.path() + " " + n + " more items");
            }
        } else if (value.isTextual() && choice <= 5) {
            String odd = Values.oddId(random, value.asText());
            slot.set(NODES.textNode(odd));
            notes.add(slot.path() + " = \"" + Text.escape(Text.shorten(odd, 40)) + "\"");
        } else if (value.isNumber() && choice <= 5) {
            JsonNode odd = random.nextBoolean() ? Values.oddNumber(random) : NODES.textNode(Values.pick(random, Values.QUOTED_NUMBERS));
            slot.set(odd);
            notes.add(slot.path() + " = " + Text.shorten(odd.toString(), 40));
        } else if (value.isObject() && choice <= 5) {
            String name = Values.pick(random, List.of("extra", "", "id", "\u0000"));
            ((ObjectNode) value).set(name, oddValue(random));
            notes.add(slot.path() + " gains field \"" + Text.escape(name) + "\"");
        } else {
            JsonNode odd = oddValue(random);
            slot.set(odd);
            notes.add(slot.path() + " = " + Text.escape(Text.shorten(odd.toString(), 40)));
        }
    }

    /** A value of any type: odd strings and numbers, quoted numbers, booleans, empty or deep containers. */
    static JsonNode oddValue(Random random) {
        return switch (random.nextInt(9)) {
            case 0 -> NODES.textNode(Values.oddString(random));
            case 1 -> Values.oddNumber(random);
            case 2 -> NODES.textNode(Values.pick(random, Values.QUOTED_NUMBERS));
            case 3 -> NODES.booleanNode(random.nextBoolean());
            case 4 -> NODES.arrayNode();
            case 5 -> NODES.objectNode();
            case 6 -> deep(random.nextBoolean(), Values.pick(random, List.of(10, 200, 999)));
            case 7 -> NODES.arrayNode().add(NODES.textNode("x")).add(NODES.numberNode(1));
            default -> NODES.nullNode();
        };
    }

    private static JsonNode deep(boolean arrays, int depth) {
        JsonNode node = NODES.numberNode(1);
        for (int i = 0; i < depth; i++) {
            node = arrays ? NODES.arrayNode().add(node) : NODES.objectNode().set("a", node);
        }
        return node;
    }

    private static void collect(JsonNode node, String path, List<Slot> slots) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                String at = path.isEmpty() ? name : path + "." + name;
                slots.add(new Slot(node, name, -1, at));
                collect(node.get(name), at, slots);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size() && i < 3; i++) {
                String at = path + "[" + i + "]";
                slots.add(new Slot(node, null, i, at));
                collect(node.get(i), at, slots);
            }
        }
    }

    /** The tree as body bytes: UTF-8, or (at times) every non-ASCII character escaped, lone surrogates included. */
    static byte[] write(Random random, JsonNode tree) {
        try {
            return random.nextInt(3) == 0 ? ASCII.writeValueAsBytes(tree)
                : JSON.writeValueAsString(tree).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The body's text broken as JSON or as text: each noted. */
    static byte[] corrupt(Random random, byte[] valid, long sizeLimit, List<String> notes) {
        String text = new String(valid, StandardCharsets.UTF_8);
        switch (random.nextInt(14)) {
            case 0 -> {
                int cut = random.nextInt(Math.max(1, text.length()));
                notes.add("cut after " + cut + " characters");
                return text.substring(0, cut).getBytes(StandardCharsets.UTF_8);
            }
            case 1 -> {
                String other = Values.pick(random, List.of("[]", "null", "\"text\"", "1", "true", "", "   ", "{", "}", "[{}]"));
                notes.add("body is " + Text.escape(other));
                return other.getBytes(StandardCharsets.UTF_8);
            }
            case 2 -> {
                notes.add("a byte-order mark before it");
                return ("\uFEFF" + text).getBytes(StandardCharsets.UTF_8);
            }
            case 3 -> {
                notes.add("invalid UTF-8 in a string");
                return splice(valid, text.indexOf('"') + 1, new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xED, (byte) 0xA0, (byte) 0x80});
            }
            case 4 -> {
                notes.add("a field given twice");
                return text.replaceFirst("\\{\"([^\"]+)\":", "{\"$1\":\"first\",\"$1\":").getBytes(StandardCharsets.UTF_8);
            }
            case 5 -> {
                notes.add("trailing comma, comment and single quotes");
                return text.replaceFirst("}$", ",}/* c */").replaceFirst("\"", "'").getBytes(StandardCharsets.UTF_8);
            }
            case 6, 7 -> {
                boolean over = random.nextBoolean();
                long size = over ? sizeLimit + 1 + random.nextInt(2048) : sizeLimit - valid.length - 1 - random.nextInt(2048);
                notes.add((over ? "padded past" : "padded to just under") + " the size limit with whitespace (" + size + " bytes)");
                return pad(valid, over ? size - valid.length : size);
            }
            case 8 -> {
                notes.add("a text field near the size limit");
                return text.replaceFirst("\\{", "{\"pad\":\"" + "p".repeat((int) sizeLimit - 20 - valid.length + random.nextInt(40)) + "\",")
                    .getBytes(StandardCharsets.UTF_8);
            }
            case 9 -> {
                int depth = Values.pick(random, List.of(1001, 5_000, 100_000));
                notes.add("nested " + depth + " deep");
                return text.replaceFirst("\\{", "{\"deep\":" + "[".repeat(depth) + "]".repeat(depth) + ",").getBytes(StandardCharsets.UTF_8);
            }
            case 10 -> {
                notes.add("a number of 2,000 digits");
                return text.replaceFirst("\\{", "{\"n\":" + "9".repeat(2000) + ",").getBytes(StandardCharsets.UTF_8);
            }
            case 11 -> {
                notes.add("two JSON documents");
                return (text + text).getBytes(StandardCharsets.UTF_8);
            }
            case 12 -> {
                notes.add("raw control characters");
                return text.replaceFirst("\"", "\"\u0000\u0007\n").getBytes(StandardCharsets.UTF_8);
            }
            default -> {
                notes.add("random bytes");
                byte[] bytes = new byte[1 + random.nextInt(200)];
                random.nextBytes(bytes);
                return bytes;
            }
        }
    }

    private static byte[] splice(byte[] into, int at, byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int where = Math.max(0, Math.min(at, into.length));
        out.write(into, 0, where);
        out.writeBytes(bytes);
        out.write(into, where, into.length - where);
        return out.toByteArray();
    }

    /** {@code valid} with {@code spaces} bytes of whitespace after its opening brace: still the same JSON. */
    private static byte[] pad(byte[] valid, long spaces) {
        byte[] padding = new byte[(int) Math.max(0, spaces)];
        java.util.Arrays.fill(padding, (byte) ' ');
        return splice(valid, 1, padding);
    }
}
