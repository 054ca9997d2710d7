package dev.allotment.streams.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AllocationIdsTest {

    @Test
    void aRetriedCommandGetsTheSameId() {
        assertEquals(AllocationIds.derive("o-1", "key-1"), AllocationIds.derive("o-1", "key-1"));
        assertTrue(AllocationIds.derive("o-1", "key-1").matches("al-[0-9a-z]{1,25}"), AllocationIds.derive("o-1", "key-1"));
    }

    @Test
    void partsAreNotJustConcatenated() {
        assertNotEquals(AllocationIds.derive("o-1", "2"), AllocationIds.derive("o-12", ""));
        assertNotEquals(AllocationIds.derive("o|1", "2"), AllocationIds.derive("o", "1|2"));
    }

    /** Two million ids of sequential orders and keys, as the edge makes them: with 32-bit hashes about 465 collide. */
    @Test
    void twoMillionAllocationsGetTwoMillionIds() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 2_000_000; i++) {
            String id = AllocationIds.derive("o-" + i, "k-o-" + i);
            assertTrue(ids.add(id), () -> "id " + id + " given twice");
        }
    }

    @Test
    void refusesAMissingPart() {
        assertThrows(IllegalArgumentException.class, () -> AllocationIds.derive("o-1", null));
    }
}
