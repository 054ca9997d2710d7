package dev.allotment.services.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.allotment.services.errors.ErrorBody;
import dev.allotment.streams.order.Limits;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads a JSON request body field by field, collecting every problem with the path of its field, so
 * that a bad request is answered once with all that is wrong. Quantities may arrive as numbers or as
 * quoted whole numbers ({@code "22"}), as the seeds send them; anything else is refused. The engine's
 * {@link Limits} apply here, once for every route: every required string is an id, every optional one a
 * free text, every whole number at most {@link Limits#MAX_QUANTITY} either way. A field over a limit
 * alone makes the answer a 422; anything malformed, a 400.
 */
public final class JsonInput {
    /**
     * Numbers with a fraction are read exactly, as BigDecimal: read as doubles, 1.0000000000000000000001 was taken for 1
     * (a whole number, accepted) and 1e400 for infinity (whose decimal value throws). Exactly means with their scale too:
     * a SKU cost of 12.50 stays 12.50 (Jackson's tree would strip it to 12.5).
     */
    private static final ObjectMapper MAPPER = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .nodeFactory(JsonNodeFactory.withExactBigDecimals(true)).build();
    private final List<ErrorBody.FieldError> errors = new ArrayList<>();
    private boolean malformed;

    public static JsonNode parse(String body) {
        return tree(body, "a JSON object", JsonNode::isObject);
    }

    /** A body that must be a JSON array (a list of items, such as incoming batches). */
    public static List<JsonNode> parseArray(String body) {
        List<JsonNode> items = new ArrayList<>();
        tree(body, "a JSON array", JsonNode::isArray).forEach(items::add);
        return items;
    }

    private static JsonNode tree(String body, String what, java.util.function.Predicate<JsonNode> is) {
        if (body == null || body.isBlank()) {
            throw InvalidRequestException.of("body", what + " is required");
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || !is.test(node)) {
                throw InvalidRequestException.of("body", "must be " + what);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw InvalidRequestException.of("body", "not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** A required id (every required string of the API names something): {@link Limits#idProblem}. */
    public String requiredString(JsonNode parent, String name, String path) {
        return id(parent, name, path, Limits::idProblem);
    }

    /** A required SKU id: an id without the shard mark ({@link Limits#skuProblem}). */
    public String requiredSku(JsonNode parent, String name, String path) {
        return id(parent, name, path, Limits::skuProblem);
    }

    /** A required id of something the engine made, such as an allocation: {@link Limits#referenceProblem}. */
    public String requiredReference(JsonNode parent, String name, String path) {
        return id(parent, name, path, Limits::referenceProblem);
    }

    private String id(JsonNode parent, String name, String path, Function<String, Optional<String>> rule) {
        String value = text(parent, name, path);
        if (value == null) {
            if (parent.get(name) == null || parent.get(name).isNull()) {
                error(path, "required");
            }
            return null;
        }
        if (value.isBlank()) {
            error(path, "must not be blank");
            return null;
        }
        Optional<String> problem = rule.apply(value);
        problem.ifPresent(p -> error(path, p));
        return problem.isEmpty() ? value : null;
    }

    /**
     * An optional free text (names, reasons, numbers, dates, URLs), at most {@link Limits#MAX_TEXT_LENGTH} characters;
     * one that is not Unicode text (an unpaired surrogate, which the events' UTF-8 cannot carry) is an error.
     */
    public String optionalString(JsonNode parent, String name, String path) {
        String value = text(parent, name, path);
        Optional<String> notText = Limits.charactersProblem(value);
        if (notText.isPresent()) {
            error(path, notText.get());
            return null;
        }
        Optional<String> tooLong = Limits.textProblem(value);
        tooLong.ifPresent(p -> overLimit(path, p));
        return tooLong.isEmpty() ? value : null;
    }

    /**
     * An optional amount of money, a JSON number or a quoted one ({@code 12.50}, {@code "12.50"}), as its exact decimal
     * text ({@link BigDecimal#toString}: 1e400 stays {@code 1E+400}, never an infinity); null when absent. Not a decimal,
     * or negative: an error; longer than {@link Limits#MAX_DECIMAL_LENGTH} characters: over the limit.
     */
    public String optionalDecimal(JsonNode parent, String name, String path) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        String text;
        try {
            text = node.isTextual() ? new BigDecimal(node.asText()).toString() : node.isNumber() ? node.decimalValue().toString() : null;
        } catch (NumberFormatException e) {
            text = null;
        }
        if (text == null) {
            error(path, "must be a decimal number");
            return null;
        }
        Optional<String> problem = Limits.decimalProblem(text);
        if (problem.isPresent() && text.length() > Limits.MAX_DECIMAL_LENGTH) {
            overLimit(path, problem.get());
        } else {
            problem.ifPresent(p -> error(path, p));
        }
        return problem.isEmpty() ? text : null;
    }

    /** The field as text, null when absent; a field that is neither a string nor a whole number is an error. */
    private String text(JsonNode parent, String name, String path) {
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
            Optional<String> outOfRange = Limits.quantityProblem(value.longValueExact());
            if (outOfRange.isPresent()) {
                error(path, outOfRange.get());
                return null;
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

    /** A field that is wrong as it stands (the answer is a 400). */
    public void error(String path, String message) {
        errors.add(new ErrorBody.FieldError(path, message));
        malformed = true;
    }

    /** A field well formed but over one of the engine's limits (a 422, unless something else is wrong too). */
    public void overLimit(String path, String message) {
        errors.add(new ErrorBody.FieldError(path, message));
    }

    /** Throws the collected problems, if any. */
    public void check() {
        if (!errors.isEmpty()) {
            throw malformed ? new InvalidRequestException(errors) : InvalidRequestException.overLimit(errors);
        }
    }
}
