package dev.allotment.streams.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/**
 * Ids are stored in requests, outcomes and supplier systems and derived again on every replay: the faster derivation
 * must print exactly what the first one did (SHA-256 of the parts joined by the unit separator, then
 * {@link BigInteger#toString(int)} in base 36), for any parts, any Unicode in them included.
 */
class AllocationIdsPropertiesTest {

    /** The derivation as it was first written: the reference every id since must equal. */
    private static String reference(String... parts) throws Exception {
        StringBuilder joined = new StringBuilder();
        for (String part : parts) {
            joined.append(part).append('\u001f');
        }
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(joined.toString().getBytes(StandardCharsets.UTF_8));
        return "al-" + new BigInteger(1, Arrays.copyOf(digest, 16)).toString(36);
    }

    @Property(tries = 2_000)
    void anyPartsGiveTheIdTheyAlwaysGave(@ForAll @Size(max = 4) List<String> parts) throws Exception {
        String[] array = parts.toArray(String[]::new);
        assertEquals(reference(array), AllocationIds.derive(array));
    }

    @Property(tries = 5_000)
    void anySixteenBytesPrintAsBigIntegerDoes(@ForAll @Size(min = 16, max = 32) byte[] bytes) {
        assertEquals(new BigInteger(1, Arrays.copyOf(bytes, 16)).toString(36), AllocationIds.base36(bytes));
    }

    @Example
    void theExtremesPrintAsBigIntegerDoes() {
        byte[] zero = new byte[16];
        byte[] max = new byte[16];
        Arrays.fill(max, (byte) 0xFF);
        byte[] one = new byte[16];
        one[15] = 1;
        byte[] highBit = new byte[16];
        highBit[0] = (byte) 0x80;
        for (byte[] bytes : List.of(zero, max, one, highBit)) {
            assertEquals(new BigInteger(1, bytes).toString(36), AllocationIds.base36(bytes));
        }
        assertEquals("0", AllocationIds.base36(zero));
        assertEquals(AllocationIds.DIGITS, AllocationIds.base36(max).length());
    }

    /** Unpaired surrogates are encoded as '?' whether the parts are encoded joined or one by one. */
    @Example
    void surrogatesAtThePartsEdgesGiveTheIdTheyAlwaysGave() throws Exception {
        String[] parts = {"o-\uD83D", "\uDE00k", "\uD83D\uDE00"};
        assertEquals(reference(parts), AllocationIds.derive(parts));
    }
}
