package dev.allotment.streams.allocation;

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
    private static final byte SEPARATOR = 0x1f; // unit separator: no part can contain it and shift the boundaries
    /** Digits of a 128-bit number in base 36 (36^25 > 2^128). */
    static final int DIGITS = 25;
    /** The divisor that takes five of those digits at a time. */
    private static final long FIVE_DIGITS = 36L * 36 * 36 * 36 * 36;
    /** One digest per thread: looking the algorithm up per id cost more than hashing the id. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(AllocationIds::sha256);

    private AllocationIds() {}

    /**
     * The id derived from {@code parts} (each non-null): the SHA-256 of each part's UTF-8 followed by the separator
     * (the bytes of the parts joined by it, as before), its first 16 bytes as an unsigned number in base 36.
     */
    public static String derive(String... parts) {
        MessageDigest sha = SHA_256.get();
        for (String part : parts) {
            if (part == null) {
                sha.reset();
                throw new IllegalArgumentException("no part of an allocation id may be null: " + Arrays.toString(parts));
            }
            sha.update(part.getBytes(StandardCharsets.UTF_8));
            sha.update(SEPARATOR);
        }
        return "al-" + base36(sha.digest());
    }

    /**
     * The first 16 bytes of {@code bytes} as an unsigned big-endian number in lower-case base 36, without leading
     * zeros: what {@code new BigInteger(1, Arrays.copyOf(bytes, 16)).toString(36)} prints (ids made before must stay
     * the same), without its allocations and divisions of big numbers (deriving an id, digest and
     * printing together, was 3.6 % of the stream thread in a flash sale, profiled).
     * Four 32-bit limbs are divided by 36⁵ five times; each remainder gives five digits.
     */
    static String base36(byte[] bytes) {
        long[] limbs = new long[4];
        for (int i = 0; i < 4; i++) {
            limbs[i] = (bytes[4 * i] & 0xFFL) << 24 | (bytes[4 * i + 1] & 0xFFL) << 16 | (bytes[4 * i + 2] & 0xFFL) << 8
                | bytes[4 * i + 3] & 0xFFL;
        }
        char[] digits = new char[DIGITS];
        int at = DIGITS;
        for (int round = 0; round < DIGITS / 5; round++) {
            long remainder = 0;
            for (int i = 0; i < 4; i++) {   // remainder < 36⁵ < 2²⁶: the dividend stays below 2⁵⁸
                long dividend = remainder << 32 | limbs[i];
                limbs[i] = dividend / FIVE_DIGITS;
                remainder = dividend % FIVE_DIGITS;
            }
            for (int d = 0; d < 5; d++) {
                digits[--at] = Character.forDigit((int) (remainder % 36), 36);
                remainder /= 36;
            }
        }
        int first = 0;
        while (first < DIGITS - 1 && digits[first] == '0') {
            first++;
        }
        return new String(digits, first, DIGITS - first);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
