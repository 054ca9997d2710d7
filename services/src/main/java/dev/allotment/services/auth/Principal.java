package dev.allotment.services.auth;

import java.util.Set;

/** Who called: the role of the API key used and, for suppliers, the locations it answers for. */
public record Principal(String name, Role role, Set<String> locations) {
    public boolean is(Role... roles) {
        for (Role r : roles) {
            if (r == role) {
                return true;
            }
        }
        return false;
    }
}
