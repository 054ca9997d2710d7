package dev.allotment.services.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The API keys this instance accepts, parsed from {@code key=role[:location,…]} entries separated by
 * commas (a bare entry after a supplier's adds another of its locations) or one entry per line in a file.
 */
public final class ApiKeys {
    private final Map<String, Principal> byKey;

    /** Each key's UTF-8 bytes beside its principal: encoded once, not on every request's comparison. */
    private final List<Map.Entry<byte[], Principal>> encoded;

    private ApiKeys(Map<String, Principal> byKey) {
        this.byKey = Map.copyOf(byKey);
        this.encoded = this.byKey.entrySet().stream()
            .map(e -> Map.entry(e.getKey().getBytes(StandardCharsets.UTF_8), e.getValue())).toList();
    }

    public static ApiKeys parse(String spec) {
        Map<String, Principal> keys = new HashMap<>();
        String lastKey = null;
        for (String raw : spec == null ? new String[0] : spec.split("[,\\n]")) {
            String entry = raw.trim();
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq < 0) {
                if (lastKey == null || keys.get(lastKey).role() != Role.SUPPLIER) {
                    throw new IllegalArgumentException("API key entry '" + entry + "' is not key=role[:location,…]");
                }
                Principal supplier = keys.get(lastKey);
                Set<String> locations = new LinkedHashSet<>(supplier.locations());
                locations.add(entry);
                keys.put(lastKey, new Principal(supplier.name(), Role.SUPPLIER, Set.copyOf(locations)));
                continue;
            }
            String key = entry.substring(0, eq).trim();
            String[] roleAndLocations = entry.substring(eq + 1).split(":", 2);
            Role role = Role.parse(roleAndLocations[0]);
            Set<String> locations = roleAndLocations.length > 1
                ? Set.copyOf(Arrays.stream(roleAndLocations[1].split(";")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                : Set.of();
            if (key.isEmpty()) {
                throw new IllegalArgumentException("API key entry '" + entry + "' has an empty key");
            }
            keys.put(key, new Principal(name(role, key), role, locations));
            lastKey = key;
        }
        return new ApiKeys(keys);
    }

    /**
     * A key's principal name, recorded with its commands and their outcomes: the role and a short digest of the key,
     * so it stays the same however the keys are listed or reordered, on every instance, and never shows the key.
     */
    public static String name(Role role, String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return role.name().toLowerCase(Locale.ROOT) + "-" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    public static ApiKeys load(String spec, String file) {
        StringBuilder all = new StringBuilder(spec == null ? "" : spec);
        if (file != null && !file.isBlank()) {
            try {
                all.append('\n').append(Files.readString(Path.of(file), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the API keys file " + file + ": " + e.getMessage(), e);
            }
        }
        return parse(all.toString());
    }

    /** The principal of {@code key}, compared in constant time. */
    public Optional<Principal> authenticate(String key) {
        byte[] given = key.getBytes(StandardCharsets.UTF_8);
        Principal found = null;
        for (Map.Entry<byte[], Principal> e : encoded) {
            if (MessageDigest.isEqual(given, e.getKey())) {
                found = e.getValue();
            }
        }
        return Optional.ofNullable(found);
    }

    public int size() {
        return byKey.size();
    }

    public List<Role> roles() {
        return byKey.values().stream().map(Principal::role).toList();
    }
}
