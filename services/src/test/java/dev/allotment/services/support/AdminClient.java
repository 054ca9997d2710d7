package dev.allotment.services.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Calls the engine with one API key, as a platform's or an admin's client does. */
public record AdminClient(Http http, String key) {
    public Http.Reply call(String method, String path, String body) {
        return http.send(method, path, body, "Authorization", "Bearer " + key);
    }

    /** The reply, once asserted to be a 2xx. */
    public static Http.Reply ok(Http.Reply reply) {
        assertTrue(reply.status() / 100 == 2, () -> reply.status() + " " + reply.body());
        return reply;
    }
}
