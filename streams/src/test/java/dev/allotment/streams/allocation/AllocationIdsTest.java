package dev.allotment.streams.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
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

    /** Ids are stored in requests, outcomes and supplier systems: the derivation must never drift (values from Python's hashlib). */
    @Test
    void idsAreTheSha256OfTheSeparatedPartsInBase36() throws Exception {
        assertEquals("al-ah9br3n6swyx5lcs8getqv098", AllocationIds.derive("o-1", "key-1"));
        AtomicReference<String> onAnotherThread = new AtomicReference<>();
        Thread other = new Thread(() -> onAnotherThread.set(AllocationIds.derive("o-2", "evt-9")));
        other.start();
        other.join();
        assertEquals("al-93cttb4oq6jkoeqbhobersc3b", onAnotherThread.get());
        assertEquals("al-93cttb4oq6jkoeqbhobersc3b", AllocationIds.derive("o-2", "evt-9"));
    }

    /** ... and the thread's digest is left clean: the part hashed before the missing one does not leak into the next id. */
    @Test
    void refusesAMissingPart() {
        assertThrows(IllegalArgumentException.class, () -> AllocationIds.derive("o-1", null));
        assertEquals("al-ah9br3n6swyx5lcs8getqv098", AllocationIds.derive("o-1", "key-1"));
    }
}
