package dev.allotment.services.http;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * Random (version 4) UUIDs for event and command ids, as {@link UUID#randomUUID} makes them but from a generator of
 * each thread's own. {@code UUID.randomUUID} draws from one {@code SecureRandom}, on Linux the NativePRNG, whose
 * instances all share one lock and one mixing generator: with 256 connections answering, request threads were blocked
 * there 38 times in a 30 s recording (docs/benchmarks/RESULTS.md). A DRBG instance (NIST SP 800-90A, the JDK's
 * {@code DRBG}) per thread is as unpredictable, seeded once from the system's entropy, and locks only itself.
 */
public final class RandomIds {
    private static final ThreadLocal<SecureRandom> GENERATORS = ThreadLocal.withInitial(RandomIds::generator);

    private RandomIds() {}

    /** A new random UUID, in its text form. */
    public static String next() {
        return uuid(GENERATORS.get()).toString();
    }

    /** A version 4, IETF variant UUID of 122 random bits from {@code random}. */
    static UUID uuid(SecureRandom random) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40);   // version 4
        bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80);   // IETF variant
        long most = 0;
        long least = 0;
        for (int i = 0; i < 8; i++) {
            most = (most << 8) | (bytes[i] & 0xff);
            least = (least << 8) | (bytes[i + 8] & 0xff);
        }
        return new UUID(most, least);
    }

    private static SecureRandom generator() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();   // a JDK without DRBG (9+ has it): the platform's default, shared or not
        }
    }
}
