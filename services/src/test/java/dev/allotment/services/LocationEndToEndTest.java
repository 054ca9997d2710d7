package dev.allotment.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.schemas.Topics;
import dev.allotment.services.support.Http;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TestEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Locations over HTTP against a real broker and registry: what a location may say (a confirm timeout above 0, a
 * webhook the engine may call) and that stock is kept only at locations that exist.
 */
@ExtendWith(RealInfrastructure.class)
class LocationEndToEndTest {
    static final String ADMIN = "loc-admin";
    static TestEngine engine;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        engine = TestEngine.start(Topics.withPrefix("e2e-locations.").prefix(), Map.of(
            "allotment.api-keys", ADMIN + "=admin",
            "allotment.webhooks.allowed-hosts", "hooks.internal.test, 10.9.0.0/16, 169.254.0.0/16"));
        http = engine.http();
        assertEquals(200, put("wh-known", "{\"name\":\"Known\"}").status());
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void aConfirmTimeoutMustBeAboveZero() {
        for (String timeout : List.of("-1", "0", "\"-5\"")) {
            Http.Reply reply = put("sup-timeout", "{\"confirm_mode\":\"CONFIRM\",\"confirm_timeout_seconds\":" + timeout + "}");
            assertUnacceptable(reply, "confirm_timeout_seconds");
        }
        assertEquals(400, put("sup-timeout", "{\"confirm_timeout_seconds\":\"soon\"}").status(), "not a number at all");
        JsonNode saved = put("sup-timeout", "{\"confirm_mode\":\"CONFIRM\",\"confirm_timeout_seconds\":60}").json();
        assertEquals(60, saved.path("confirm_timeout_seconds").asInt());
        assertTrue(put("sup-timeout", "{\"confirm_mode\":\"CONFIRM\",\"confirm_timeout_seconds\":null}").json()
            .path("confirm_timeout_seconds").isNull(), "null: no expiry");
    }

    @Test
    void aWebhookGoesOnlyToAPublicHttpHostOrOneTheAllowListNames() {
        List<String> refused = List.of("ftp://93.184.215.14/hook", "file:///etc/passwd", "not a url", "http:///no-host",
            "http://127.0.0.1:8080/hook", "http://localhost/hook", "http://[::1]/hook", "http://[::ffff:127.0.0.1]/hook",
            "http://0.0.0.0/hook", "http://[::]/hook", "http://169.254.169.254/latest/meta-data/",
            "http://metadata.google.internal/computeMetadata/v1/", "http://[fd00:ec2::254]/", "http://[fe80::1]/hook",
            "http://10.1.2.3/hook", "http://172.16.0.1/hook", "http://192.168.1.1/hook", "http://no-such-host.invalid/hook");
        List<String> wrong = new ArrayList<>();
        for (String url : refused) {
            Http.Reply reply = put("sup-hook", "{\"kind\":\"SUPPLIER\",\"webhook_url\":\"" + url + "\"}");
            if (reply.status() != 422 || !reply.json().path("fields").get(0).path("field").asText().equals("webhook_url")) {
                wrong.add(url + " answered " + reply.status() + " " + reply.body());
            }
        }
        assertEquals(List.of(), wrong, "each must be refused with 422 naming webhook_url");

        for (String url : List.of("https://93.184.215.14/hook", "http://10.9.1.1:8443/hook", "http://hooks.internal.test/hook")) {
            Http.Reply reply = put("sup-hook", "{\"kind\":\"SUPPLIER\",\"webhook_url\":\"" + url + "\"}");
            assertEquals(200, reply.status(), url + ": " + reply.body());
            assertEquals(url, reply.json().path("webhook_url").asText());
        }
        assertUnacceptable(put("sup-hook", "{\"webhook_url\":\"http://169.254.169.254/\"}"), "webhook_url");
    }

    @Test
    void stockAtALocationThatDoesNotExistIsNotFound() {
        Http.Reply set = admin("PUT", "/stock/wh-nowhere/SKU-N", "{\"physical\":5}");
        assertNotFound(set, "wh-nowhere");
        Http.Reply adjusted = admin("POST", "/stock/adjustments", "{\"adjustments\":["
            + "{\"location_id\":\"wh-known\",\"sku\":\"SKU-N\",\"delta\":2},{\"location_id\":\"wh-elsewhere\",\"sku\":\"SKU-N\",\"delta\":1}]}");
        assertNotFound(adjusted, "wh-elsewhere");
        assertEquals(404, admin("GET", "/stock/SKU-N", null).status(), "no part of the batch was applied");
        assertNotFound(admin("GET", "/stock?location_id=wh-nowhere", null), "wh-nowhere");
        assertEquals(200, admin("PUT", "/stock/wh-known/SKU-N", "{\"physical\":5}").status());
    }

    static void assertUnacceptable(Http.Reply reply, String field) {
        assertEquals(422, reply.status(), reply.body());
        assertEquals("invalid_value", reply.json().path("error").asText(), reply.body());
        assertEquals(field, reply.json().path("fields").get(0).path("field").asText(), reply.body());
        assertTrue(reply.json().path("message").asText().startsWith(field + ":"), reply.body());
    }

    static void assertNotFound(Http.Reply reply, String location) {
        assertEquals(404, reply.status(), reply.body());
        assertEquals("not_found", reply.json().path("error").asText(), reply.body());
        assertTrue(reply.json().path("message").asText().contains(location), reply.body());
    }

    static Http.Reply put(String location, String body) {
        return admin("PUT", "/locations/" + location, body);
    }

    static Http.Reply admin(String method, String path, String body) {
        return http.send(method, path, body, "Authorization", "Bearer " + ADMIN);
    }
}
