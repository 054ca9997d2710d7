package dev.allotment.services.http;

import dev.allotment.services.errors.ErrorBody;
import io.micronaut.http.HttpStatus;
import java.util.List;
import java.util.Map;

/**
 * A request whose body or parameters are wrong, answered naming every bad field: 400 {@code invalid_request} when
 * something is malformed, 422 {@code limit_exceeded} when all that is wrong is over one of the engine's limits (an
 * order's lines, a text's length). Nothing was applied.
 */
public class InvalidRequestException extends RuntimeException {
    private final List<ErrorBody.FieldError> fields;
    private final boolean overLimit;

    public InvalidRequestException(List<ErrorBody.FieldError> fields) {
        this(fields, false);
    }

    private InvalidRequestException(List<ErrorBody.FieldError> fields, boolean overLimit) {
        super(fields.toString());
        this.fields = List.copyOf(fields);
        this.overLimit = overLimit;
    }

    public static InvalidRequestException of(String field, String message) {
        return new InvalidRequestException(List.of(new ErrorBody.FieldError(field, message)));
    }

    /** Fields well formed but over the engine's limits. */
    public static InvalidRequestException overLimit(List<ErrorBody.FieldError> fields) {
        return new InvalidRequestException(fields, true);
    }

    public List<ErrorBody.FieldError> fields() {
        return fields;
    }

    public HttpStatus status() {
        return overLimit ? HttpStatus.UNPROCESSABLE_ENTITY : HttpStatus.BAD_REQUEST;
    }

    /** The answer's body: the engine's error shape with every field. */
    public Map<String, Object> body() {
        Map<String, Object> body = ErrorBody.invalid(fields);
        if (overLimit) {
            body.put("error", "limit_exceeded");
        }
        return body;
    }
}
