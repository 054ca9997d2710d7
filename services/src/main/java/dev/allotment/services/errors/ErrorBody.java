package dev.allotment.services.errors;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The engine's error shape: {@code {"error": code, "message": text, "fields": [{"field", "message"}]}}. */
public final class ErrorBody {
    private ErrorBody() {}

    public static Map<String, Object> of(String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message);
        return body;
    }

    public static Map<String, Object> invalid(List<FieldError> fields) {
        Map<String, Object> body = of("invalid_request",
            String.join("; ", fields.stream().map(f -> f.field() + ": " + f.message()).toList()));
        body.put("fields", fields.stream().map(f -> Map.of("field", f.field(), "message", f.message())).toList());
        return body;
    }

    /** One field of a request that is wrong, and why. */
    public record FieldError(String field, String message) {}
}
