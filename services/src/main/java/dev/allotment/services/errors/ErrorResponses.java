package dev.allotment.services.errors;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.HttpServerConfiguration;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The body of every error Micronaut answers itself (no route, a method or media type not allowed, a body too large, a
 * request its binding cannot read, an unhandled exception) in the engine's shape, {@code {"error","message"}}, whatever
 * the client accepts. Being a bean, it replaces Micronaut's default processor. A 5xx never tells what failed inside (it is
 * logged); a 4xx keeps Micronaut's word on the request unless it names Java classes.
 */
@Singleton
public class ErrorResponses implements ErrorResponseProcessor<Map<String, Object>> {
    /** A fully qualified Java name, or an exception's: what a client must never be shown. */
    private static final Pattern JAVA = Pattern.compile("Exception|\\b[a-z_][\\w$]*(\\.[a-z_][\\w$]*)+\\.[A-Z][\\w$]*");
    private final long maxRequestSize;

    public ErrorResponses(HttpServerConfiguration server) {
        this.maxRequestSize = server.getMaxRequestSize();
    }

    @Override
    @SuppressWarnings("unchecked")
    public MutableHttpResponse<Map<String, Object>> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        MutableHttpResponse<Map<String, Object>> answer = (MutableHttpResponse<Map<String, Object>>) response;
        if (context.getRequest().getMethod() == HttpMethod.HEAD) {
            return answer;
        }
        return answer.body(body(context, response.status(), response.getHeaders().get(HttpHeaders.ALLOW)))
            .contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    /** The engine's error body for {@code status}, given what Micronaut knows of the error and the methods allowed. */
    Map<String, Object> body(ErrorContext context, HttpStatus status, String allowed) {
        String request = context.getRequest().getMethodName() + " " + context.getRequest().getPath();
        return switch (status) {
            case NOT_FOUND -> ErrorBody.of("not_found", "no route for " + request);
            case METHOD_NOT_ALLOWED -> ErrorBody.of("method_not_allowed", request + " is not allowed"
                + (allowed == null ? "" : "; allowed: " + allowed));
            case REQUEST_ENTITY_TOO_LARGE -> ErrorBody.of("too_large", "the request body is larger than the "
                + maxRequestSize + " bytes allowed");
            case UNSUPPORTED_MEDIA_TYPE -> ErrorBody.of("unsupported_media_type", "send the body as "
                + MediaType.APPLICATION_JSON + ", not " + context.getRequest().getContentType().map(Object::toString).orElse("none"));
            case SERVICE_UNAVAILABLE -> ErrorBody.of("unavailable", "the engine cannot answer now; retry");
            default -> status.getCode() >= 500
                ? ErrorBody.of("internal_error", "the request failed inside the engine; the error is logged")
                : ErrorBody.of(status.getCode() == 400 ? "invalid_request" : code(status), clientMessage(context, status));
        };
    }

    private static String code(HttpStatus status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    /** Micronaut's own word on a request it refused, unless it shows Java names; then the status's reason. */
    private static String clientMessage(ErrorContext context, HttpStatus status) {
        String message = context.getErrors().stream().map(Error::getMessage).filter(m -> m != null && !m.isBlank())
            .findFirst().orElse(null);
        return message == null || JAVA.matcher(message).find() ? status.getReason() : message;
    }
}
