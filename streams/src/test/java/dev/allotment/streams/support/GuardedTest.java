package dev.allotment.streams.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * A record whose processing throws stops the thread once (its transaction rolls back); read again, it goes to the dead
 * letters unprocessed, and every other record is processed as before.
 */
class GuardedTest {
    private final List<String> processed = new ArrayList<>();
    private final FailedRecords failures = new FailedRecords();

    /** Processes everything but a record whose value is "boom", on which it throws (a bug, say). */
    private Processor<byte[], byte[], Object, Object> processor() {
        return new Guarded(() -> new Processor<byte[], byte[], Object, Object>() {
            @Override
            public void init(ProcessorContext<Object, Object> context) {
                // nothing to set up
            }

            @Override
            public void process(Record<byte[], byte[]> record) {
                String value = new String(record.value(), StandardCharsets.UTF_8);
                if (value.equals("boom")) {
                    throw new IllegalStateException("no rule for boom");
                }
                processed.add(value);
            }
        }, failures, "dead-letters-sink", "test").get();
    }

    private static MockProcessorContext<Object, Object> at(long offset) {
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        context.setRecordMetadata("orders", 0, offset);
        return context;
    }

    private static Record<byte[], byte[]> record(String value) {
        return new Record<>("k".getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8), 0L);
    }

    @Test
    void aRecordThatThrewGoesToTheDeadLettersWhenReadAgain() {
        Processor<byte[], byte[], Object, Object> first = processor();
        first.init(at(7));
        assertThrows(IllegalStateException.class, () -> first.process(record("boom")));

        // the thread that replaces the dead one reads from the last commit: the same record at the same offset
        MockProcessorContext<Object, Object> again = at(7);
        Processor<byte[], byte[], Object, Object> second = processor();
        second.init(again);
        second.process(record("boom"));

        List<MockProcessorContext.CapturedForward<?, ?>> letters = again.forwarded();
        assertEquals(1, letters.size());
        assertEquals("dead-letters-sink", letters.get(0).childName().orElseThrow());
        assertArrayEquals("boom".getBytes(StandardCharsets.UTF_8), (byte[]) letters.get(0).record().value());
        String reason = DeadLetters.header(letters.get(0).record().headers(), DeadLetters.REASON);
        assertTrue(reason.contains("no rule for boom") && reason.contains("rolled back"), reason);
        assertEquals(List.of(), processed);
    }

    @Test
    void otherRecordsAreProcessedAsBeforeAndAFailureIsDealtWithOnce() {
        Processor<byte[], byte[], Object, Object> p = processor();
        MockProcessorContext<Object, Object> context = at(3);
        p.init(context);
        assertThrows(IllegalStateException.class, () -> p.process(record("boom")));
        context.setRecordMetadata("orders", 0, 4);
        p.process(record("fine"));
        context.setRecordMetadata("orders", 0, 3);
        p.process(record("boom"));   // dead-lettered
        assertThrows(IllegalStateException.class, () -> p.process(record("boom")), "a new failure at the same place fails again");
        assertEquals(List.of("fine"), processed);
        assertEquals(1, context.forwarded().size());
    }
}
