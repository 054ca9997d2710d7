package dev.allotment.services.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** An opaque cursor for Envoy-style pagination: the key to continue from and the direction. */
public record PageCursor(boolean forward, String key) {
    public static PageCursor decode(String text) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            if (raw.length() < 2 || raw.charAt(1) != ':' || (raw.charAt(0) != 'a' && raw.charAt(0) != 'b')) {
                throw InvalidRequestException.of("cursor", "not a cursor this API returned");
            }
            return new PageCursor(raw.charAt(0) == 'a', raw.substring(2));
        } catch (IllegalArgumentException e) {
            throw InvalidRequestException.of("cursor", "not a cursor this API returned");
        }
    }

    public String encode() {
        return Base64.getUrlEncoder().withoutPadding()
            .encodeToString(((forward ? "a:" : "b:") + key).getBytes(StandardCharsets.UTF_8));
    }
}
