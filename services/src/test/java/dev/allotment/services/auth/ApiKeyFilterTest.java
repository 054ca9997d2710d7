package dev.allotment.services.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micronaut.http.HttpRequest;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Where a call's key is read from: x-api-key, else an Authorization header of the Bearer or Token scheme. */
class ApiKeyFilterTest {
    private static Optional<String> authorization(String value) {
        return ApiKeyFilter.keyOf(HttpRequest.GET("/orders/o-1").header("Authorization", value));
    }

    @Test
    void theKeyIsWhatFollowsABearerOrTokenSchemeInAnyCaseAndSpacing() {
        assertEquals(Optional.of("k-1"), authorization("Bearer k-1"));
        assertEquals(Optional.of("k-1"), authorization("token k-1"));
        assertEquals(Optional.of("k-1"), authorization("BEARER   k-1"));
        assertEquals(Optional.of("k 1"), authorization("Bearer k 1"), "everything after the scheme, trimmed");
    }

    @Test
    void noKeyWithoutCredentialsOrWithAnotherScheme() {
        assertEquals(Optional.empty(), authorization("Bearer"));
        assertEquals(Optional.empty(), authorization("Basic dXNlcjpwYXNz"));
        assertEquals(Optional.empty(), authorization("Bearerk-1"));
        assertEquals(Optional.empty(), ApiKeyFilter.keyOf(HttpRequest.GET("/orders/o-1")));
    }

    @Test
    void xApiKeyComesFirst() {
        assertEquals(Optional.of("k-2"), ApiKeyFilter.keyOf(HttpRequest.GET("/orders/o-1")
            .header("x-api-key", "k-2").header("Authorization", "Bearer k-1")));
    }
}
