package dev.allotment.services.http;

import io.micronaut.http.HttpResponse;
import java.util.Map;

/** A command refused by the engine, carried out of a controller's helper as the answer to give. */
public final class RefusedException extends RuntimeException {
    private final transient HttpResponse<Map<String, Object>> response;

    public RefusedException(HttpResponse<Map<String, Object>> response) {
        super("refused", null, false, false);
        this.response = response;
    }

    public HttpResponse<Map<String, Object>> response() {
        return response;
    }
}
