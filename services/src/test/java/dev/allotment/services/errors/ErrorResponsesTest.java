package dev.allotment.services.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.server.HttpServerConfiguration;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ErrorResponses}: Micronaut's own errors in the engine's shape, and never a word from inside the JVM. */
class ErrorResponsesTest {
    private final ErrorResponses responses = new ErrorResponses(new HttpServerConfiguration());

    private Map<String, Object> body(HttpStatus status, Throwable cause, String message) {
        ErrorContext context = ErrorContext.builder(HttpRequest.POST("/orders", "{}")).cause(cause).errorMessage(message).build();
        return responses.body(context, status, null);
    }

    @Test
    void aServerErrorSaysNothingOfTheExceptionBehindIt() {
        IllegalStateException cause = new IllegalStateException("boom in dev.allotment.services.http.OrderController");
        assertEquals(Map.of("error", "internal_error", "message", "the request failed inside the engine; the error is logged"),
            body(HttpStatus.INTERNAL_SERVER_ERROR, cause, "Internal Server Error: " + cause));
    }

    @Test
    void aClientErrorKeepsMicronautsWordUnlessItNamesJavaClasses() {
        assertEquals(Map.of("error", "invalid_request", "message", "Required QueryValue [sku] not specified"),
            body(HttpStatus.BAD_REQUEST, null, "Required QueryValue [sku] not specified"));
        assertEquals(Map.of("error", "invalid_request", "message", "Bad Request"),
            body(HttpStatus.BAD_REQUEST, null, "Failed to convert argument: No enum constant dev.allotment.events.LocationKind.X"));
        assertEquals(Map.of("error", "invalid_request", "message", "Bad Request"),
            body(HttpStatus.BAD_REQUEST, null, "Invalid JSON: JsonParseException at line 1"));
    }

    @Test
    void aBodyTooLargeSaysHowLargeABodyMayBe() {
        HttpServerConfiguration server = new HttpServerConfiguration();
        server.setMaxRequestSize(1_048_576);
        assertEquals(Map.of("error", "too_large", "message", "the request body is larger than the 1048576 bytes allowed"),
            new ErrorResponses(server).body(ErrorContext.builder(HttpRequest.POST("/orders", "{}")).build(),
                HttpStatus.REQUEST_ENTITY_TOO_LARGE, null));
    }
}
