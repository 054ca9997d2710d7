package dev.allotment.services.http;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;

/**
 * A view made of maps, lists, strings, numbers, booleans and nulls (what {@link Views} builds) written as JSON bytes in
 * one pass, for the hot single-key reads: Micronaut Serde writes such a map by looking up a serializer for the runtime
 * type of every value, which took 29 % of a {@code GET /orders/{id}}'s CPU (JFR). The JSON is the one Serde writes (a
 * null is written, the maps' order is kept; {@code JsonBytesTest} compares the two); anything else in a view is a bug
 * and throws.
 */
final class JsonBytes {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private JsonBytes() {}

    /** {@code 200 OK} with {@code view} as its JSON body. */
    static MutableHttpResponse<byte[]> ok(Object view) {
        return HttpResponse.ok(of(view)).contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    static byte[] of(Object view) {
        StringBuilder out = new StringBuilder(1024);
        write(out, view);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void write(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            string(out, s);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(out, String.valueOf(e.getKey()));
                out.append(':');
                write(out, e.getValue());
            }
            out.append('}');
        } else if (value instanceof Collection<?> list) {
            out.append('[');
            boolean first = true;
            for (Object item : list) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                write(out, item);
            }
            out.append(']');
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long || value instanceof Short
            || value instanceof Byte || value instanceof BigInteger || value instanceof BigDecimal) {
            out.append(value);
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("JSON has no " + d);
            }
            out.append(value);
        } else {
            throw new IllegalArgumentException("a view holds maps, lists, strings, numbers, booleans and nulls, not "
                + value.getClass().getName());
        }
    }

    /**
     * {@code s} as a JSON string, as Jackson's generator writes one: quotes, backslashes and control characters escaped,
     * a character beyond the Basic Multilingual Plane as its two escaped surrogates, the rest as it is (UTF-8).
     */
    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c)) {
                        out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xF]).append(HEX[(c >> 4) & 0xF])
                            .append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
