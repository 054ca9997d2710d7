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
    ADMIN,
    /**
     * another instance of this engine, with the cluster secret ({@code allotment.cluster.secret}): the internal routes
     * alone. No API key can have it.
     */
    PEER;

    public static Role parse(String text) {
        try {
            Role role = Role.valueOf(text.trim().toUpperCase(Locale.ROOT));
            if (role == PEER) {
                throw new IllegalArgumentException("the peer role is the cluster secret's alone (allotment.cluster.secret)");
            }
            return role;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown role '" + text + "' (platform, supplier, analyst or admin)");
        }
    }
}
