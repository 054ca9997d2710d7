package dev.allotment.services.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.allotment.services.errors.ErrorBody;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a JSON request body field by field, collecting every problem with the path of its field, so
 * that a bad request is answered once with all that is wrong. Quantities may arrive as numbers or as
 * quoted whole numbers ({@code "22"}), as the seeds send them; anything else is refused.
 */
public final class JsonInput {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final List<ErrorBody.FieldError> errors = new ArrayList<>();

    public static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            throw InvalidRequestException.of("body", "a JSON object is required");
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || !node.isObject()) {
                throw InvalidRequestException.of("body", "must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw InvalidRequestException.of("body", "not valid JSON: " + e.getOriginalMessage());
        }
    }

    public String requiredString(JsonNode parent, String name, String path) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            error(path, "required");
            return null;
        }
        if (!node.isTextual() && !node.isIntegralNumber()) {
            error(path, "must be a string");
            return null;
        }
        String value = node.asText();
        if (value.isBlank()) {
            error(path, "must not be blank");
            return null;
        }
        return value;
    }

    public String optionalString(JsonNode parent, String name, String path) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() && !node.isIntegralNumber()) {
            error(path, "must be a string");
            return null;
        }
        return node.asText();
    }

    /** A whole number, given as a JSON number or a quoted one; {@code fallback} when absent. */
    public Integer wholeNumber(JsonNode parent, String name, String path, Integer fallback) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            if (fallback == null) {
                error(path, "required");
            }
            return fallback;
        }
        try {
            BigDecimal value = node.isTextual() ? new BigDecimal(node.asText().trim())
                : node.isNumber() ? node.decimalValue() : null;
            if (value == null) {
                error(path, "must be a whole number");
                return null;
            }
            if (value.stripTrailingZeros().scale() > 0) {
                return fail(path);
            }
            return value.intValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            return fail(path);
        }
    }

    public List<JsonNode> array(JsonNode parent, String name, String path) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            error(path, "required");
            return List.of();
        }
        if (!node.isArray()) {
            error(path, "must be an array");
            return List.of();
        }
        List<JsonNode> items = new ArrayList<>();
        node.forEach(items::add);
        return items;
    }

    private Integer fail(String path) {
        error(path, "must be a whole number");
        return null;
    }

    public void error(String path, String message) {
        errors.add(new ErrorBody.FieldError(path, message));
    }

    /** Throws the collected problems, if any. */
    public void check() {
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
    }
}
