package dev.allotment.streams.support;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * A processor that a record cannot stop: a record whose processing threw once (see {@link FailedRecords}) goes to the
 * dead letters, with what it threw, the next time it is read, instead of being processed again.
 */
public record Guarded(ProcessorSupplier<byte[], byte[], Object, Object> inner, FailedRecords failures, String deadLetterSink,
                      String entity) implements ProcessorSupplier<byte[], byte[], Object, Object> {
    /** How the reason of such a letter starts: the record was not applied, and no outcome of it was kept. */
    public static final String ROLLED_BACK = "processing this record failed, and was rolled back: ";

    @Override
    public Processor<byte[], byte[], Object, Object> get() {
        Processor<byte[], byte[], Object, Object> processor = inner.get();
        return new Processor<>() {
            private ProcessorContext<Object, Object> context;
            private DeadLetterSink deadLetters;

            @Override
            public void init(ProcessorContext<Object, Object> context) {
                this.context = context;
                this.deadLetters = new DeadLetterSink(context, deadLetterSink, entity + "-failed");
                processor.init(context);
            }

            @Override
            public void process(Record<byte[], byte[]> record) {
                RecordMetadata at = context.recordMetadata().orElse(null);
                String failure = at == null ? null : failures.takeFailure(at);
                if (failure != null) {
                    deadLetters.send(record, ROLLED_BACK + failure, null);
                    return;
                }
                try {
                    processor.process(record);
                } catch (RuntimeException e) {
                    if (at != null) {
                        failures.failed(at, e);
                    }
                    throw e;
                }
            }

            @Override
            public void close() {
                processor.close();
            }
        };
    }
}
