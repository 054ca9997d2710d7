package dev.allotment.streams.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CommandsFenceTest {
    static final String KEY = "fence";

    @Test
    void theFirstStartKeepsItsEndAsTheFenceAndAdmitsOnlyWhatLiesBelowIt() {
        MapTable<String> marks = new MapTable<>(v -> v);
        CommandsFence fence = new CommandsFence(marks, KEY, 42);

        assertEquals(42, fence.fence());
        assertEquals("42", marks.get(KEY), "kept in the task's state");
        assertTrue(fence.admits(0));
        assertTrue(fence.admits(41));
        assertFalse(fence.admits(42), "written after the start: not an older release's");
        assertFalse(fence.admits(1_000));
        assertFalse(fence.admits(-1), "a record whose offset is not known is not admitted");
    }

    @Test
    void aLaterStartReadsTheFenceKeptNotItsOwnEnd() {
        MapTable<String> marks = new MapTable<>(v -> v);
        new CommandsFence(marks, KEY, 7).fence();

        CommandsFence later = new CommandsFence(marks, KEY, 500);

        assertEquals(7, later.fence());
        assertFalse(later.admits(100), "a record between the first start's end and this one's is past the fence");
        assertEquals("7", marks.get(KEY));
    }

    @Test
    void anUnknownEndFencesAtZero() {
        MapTable<String> marks = new MapTable<>(v -> v);
        CommandsFence fence = new CommandsFence(marks, KEY, -1);

        assertFalse(fence.admits(0));
        assertEquals("0", marks.get(KEY));
    }

    @Test
    void theFenceIsReadFromTheTableOnceAndNotWrittenAgain() {
        MapTable<String> marks = new MapTable<>(v -> v);
        CommandsFence fence = new CommandsFence(marks, KEY, 3);
        fence.fence();

        marks.put(KEY, "99");
        assertEquals(3, fence.fence(), "kept in hand after the first read");
        marks.delete(KEY);
        assertTrue(fence.admits(2));
        assertNull(marks.get(KEY), "not written again");
    }
}
