package dev.allotment.services.auth;

import java.util.Locale;

/** What an API key may do (DESIGN §5). */
public enum Role {
    /** orders, stock, locations */
    PLATFORM,
    /** only the allocation requests of its own locations */
    SUPPLIER,
    /** read only */
    ANALYST,
    /** everything */
    ADMIN;

    public static Role parse(String text) {
        try {
            return Role.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown role '" + text + "' (platform, supplier, analyst or admin)");
        }
    }
}
