package dev.allotment.services.http;

import dev.allotment.schemas.RegistryUnavailableException;
import dev.allotment.services.engine.RecordTooLargeException;
import dev.allotment.services.engine.TooManyChangesException;
import dev.allotment.services.errors.ErrorBody;
import dev.allotment.streams.state.EngineUnavailableException;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Map;

/**
 * How the edge's exceptions become answers: 400 or 422 naming the fields, 413 for a record too large, 415 for a body in a
 * charset Java does not know, 503 with Retry-After.
 */
public final class ErrorHandlers {
    private ErrorHandlers() {}

    @Produces
    @Singleton
    @Requires(classes = {InvalidRequestException.class, ExceptionHandler.class})
    public static class InvalidRequest implements ExceptionHandler<InvalidRequestException, HttpResponse<Map<String, Object>>> {
        @Override
        public HttpResponse<Map<String, Object>> handle(HttpRequest request, InvalidRequestException e) {
            return HttpResponse.<Map<String, Object>>status(e.status()).body(e.body());
        }
    }

    @Produces
    @Singleton
    @Requires(classes = {EngineUnavailableException.class, ExceptionHandler.class})
    public static class Unavailable implements ExceptionHandler<EngineUnavailableException, HttpResponse<Map<String, Object>>> {
        @Override
        public HttpResponse<Map<String, Object>> handle(HttpRequest request, EngineUnavailableException e) {
            return unavailable(e.getMessage());
        }
    }

    /** A passing outage: 503 with Retry-After, in the error shape. */
    static HttpResponse<Map<String, Object>> unavailable(String message) {
        return unavailable(HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE), message);
    }

    /** {@code response} made the answer to a passing outage: 503 with Retry-After, in the error shape. */
    static <T> MutableHttpResponse<T> unavailable(MutableHttpResponse<T> response, String message) {
        @SuppressWarnings("unchecked")
        MutableHttpResponse<Object> any = (MutableHttpResponse<Object>) response;
        any.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "1").contentType(MediaType.APPLICATION_JSON_TYPE)
            .body(ErrorBody.of("unavailable", message));
        return response;
    }

    /** Found by the fault suite: while the registry restarted, a write answered 500 with the registry's address in it. */
    @Produces
    @Singleton
    @Requires(classes = {RegistryUnavailableException.class, ExceptionHandler.class})
    public static class RegistryDown implements ExceptionHandler<RegistryUnavailableException, HttpResponse<Map<String, Object>>> {
        private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RegistryDown.class);

        @Override
        public HttpResponse<Map<String, Object>> handle(HttpRequest request, RegistryUnavailableException e) {
            LOG.warn("schema registry unavailable: {}", e.getMessage());
            return unavailable("the schema registry cannot be reached now; nothing was published; retry");
        }
    }

    @Produces
    @Singleton
    @Requires(classes = {RecordTooLargeException.class, ExceptionHandler.class})
    public static class TooLarge implements ExceptionHandler<RecordTooLargeException, HttpResponse<Map<String, Object>>> {
        @Override
        public HttpResponse<Map<String, Object>> handle(HttpRequest request, RecordTooLargeException e) {
            return HttpResponse.<Map<String, Object>>status(HttpStatus.REQUEST_ENTITY_TOO_LARGE)
                .body(ErrorBody.of("too_large", e.getMessage()));
        }
    }

    @Produces
    @Singleton
    @Requires(classes = {TooManyChangesException.class, ExceptionHandler.class})
    public static class TooManyChanges implements ExceptionHandler<TooManyChangesException, HttpResponse<Map<String, Object>>> {
        @Override
        public HttpResponse<Map<String, Object>> handle(HttpRequest request, TooManyChangesException e) {
            return HttpResponse.<Map<String, Object>>status(HttpStatus.UNPROCESSABLE_ENTITY)
                .body(ErrorBody.of("limit_exceeded", e.getMessage()));
        }
    }

    @Produces
    @Singleton
    @Requires(classes = {RefusedException.class, ExceptionHandler.class})
    public static class Refused implements ExceptionHandler<RefusedException, HttpResponse<Map<String, Object>>> {
        @Override
        public HttpResponse<Map<String, Object>> handle(HttpRequest request, RefusedException e) {
            return e.response();
        }
    }

    /**
     * A Content-Type whose charset Java does not know ({@code application/json; charset=nope}, or a name it cannot even
     * be, {@code charset=@@}): Micronaut fails reading the body with it, which answered 500.
     */
    @Produces
    @Singleton
    @Requires(classes = {UnsupportedCharsetException.class, ExceptionHandler.class})
    public static class UnknownCharset implements ExceptionHandler<IllegalCharsetNameException, HttpResponse<Map<String, Object>>> {
        @Override
        public HttpResponse<Map<String, Object>> handle(HttpRequest request, IllegalCharsetNameException e) {
            return unknownCharset(e.getCharsetName());
        }
    }

    /** {@link UnsupportedCharsetException} is not an {@link IllegalCharsetNameException}: the same answer, for its own type. */
    @Produces
    @Singleton
    @Requires(classes = {UnsupportedCharsetException.class, ExceptionHandler.class})
    public static class UnsupportedCharset implements ExceptionHandler<UnsupportedCharsetException, HttpResponse<Map<String, Object>>> {
        @Override
        public HttpResponse<Map<String, Object>> handle(HttpRequest request, UnsupportedCharsetException e) {
            return unknownCharset(e.getCharsetName());
        }
    }

    static HttpResponse<Map<String, Object>> unknownCharset(String charset) {
        return HttpResponse.<Map<String, Object>>status(HttpStatus.UNSUPPORTED_MEDIA_TYPE).body(ErrorBody.of("unsupported_media_type",
            "the charset '" + charset + "' of the Content-Type is not one the engine reads: send the body as UTF-8"));
    }
}
