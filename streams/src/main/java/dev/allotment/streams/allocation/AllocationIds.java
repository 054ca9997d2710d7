package dev.allotment.streams.allocation;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The ids of allocations (and of the allocation requests made of them): derived from what makes a command unique
 * (the order and the caller's idempotency key, or the order event), so that a retried command gets the same id.
 *
 * <p>An id is {@code al-} and 128 bits of the parts' SHA-256 in base 36. Request ids are looked up on their own
 * (a supplier's confirm names only the id), so two commands must never share one: 32-bit hashes (used before)
 * collide with even odds near 77,000 allocations; 128 bits make a collision among a billion ids about 10⁻²¹.
 */
public final class AllocationIds {
    private static final char SEPARATOR = '\u001f'; // unit separator: no part can contain it and shift the boundaries
    /** One digest per thread: looking the algorithm up per id cost more than hashing the id. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(AllocationIds::sha256);

    private AllocationIds() {}

    /** The id derived from {@code parts} (each non-null). */
    public static String derive(String... parts) {
        StringBuilder joined = new StringBuilder();
        for (String part : parts) {
            if (part == null) {
                throw new IllegalArgumentException("no part of an allocation id may be null: " + Arrays.toString(parts));
            }
            joined.append(part).append(SEPARATOR);
        }
        byte[] digest = SHA_256.get().digest(joined.toString().getBytes(StandardCharsets.UTF_8));
        return "al-" + new BigInteger(1, Arrays.copyOf(digest, 16)).toString(36);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
