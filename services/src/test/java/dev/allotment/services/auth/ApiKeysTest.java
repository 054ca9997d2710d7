package dev.allotment.services.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** A key's principal name owns its commands' outcomes, so it must not move when the key list is edited. */
class ApiKeysTest {
    @Test
    void aKeysNameIsTheSameWhereverItIsListedAndDoesNotShowTheKey() {
        Principal first = ApiKeys.parse("p-one=platform,p-two=platform").authenticate("p-two").orElseThrow();
        Principal reordered = ApiKeys.parse("p-two=platform,a=admin,p-one=platform").authenticate("p-two").orElseThrow();
        assertEquals(first.name(), reordered.name());
        assertNotEquals(first.name(), ApiKeys.parse("p-one=platform").authenticate("p-one").orElseThrow().name());
        assertFalse(first.name().contains("p-two"), first.name());
        assertEquals("platform-", first.name().substring(0, "platform-".length()));
    }
}
