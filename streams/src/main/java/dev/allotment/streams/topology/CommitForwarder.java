package dev.allotment.streams.topology;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;

/**
 * Forwards records from a processor while its task commits: from a {@link CommitTimeStore}'s flush, which Kafka Streams
 * runs before it flushes the task's producer and commits its transaction, so what is forwarded there is in the same
 * transaction as the store writes it describes. This is how the DSL's cached {@code KTable}s emit once per key per
 * commit ({@code TimestampedCacheFlushListener}): outside {@code process} and punctuations no processor is current, so
 * the processor's node (taken in {@code init}, where Kafka Streams makes it current) is made current for the forward,
 * with a record context of its own, and the ones before are put back. A task that is revoked closes its processors,
 * then commits: that last flush forwards through the closed processor's node, as the DSL's cache flush does then, so
 * nothing written before the revocation misses its feed. Kafka Streams has no public hook for it; this is
 * its internal API, as the flush is, and the topology tests and the real-broker tests prove both are called.
 */
final class CommitForwarder {
    private final InternalProcessorContext<Object, Object> context;
    private final ProcessorNode<?, ?, ?, ?> node;

    /** Call from the processor's {@code init}: the node current then is the processor's. */
    @SuppressWarnings("unchecked")
    CommitForwarder(ProcessorContext<Object, Object> context) {
        this.context = (InternalProcessorContext<Object, Object>) context;
        this.node = this.context.currentNode();
        if (node == null) {
            throw new IllegalStateException("a CommitForwarder is made in its processor's init");
        }
    }

    /** The wall clock as the task sees it (a test driver's mocked clock). */
    long now() {
        return context.currentSystemTimeMs();
    }

    /** Forwards {@code record} to the processor's child {@code child}, as the processor would from {@code process}. */
    void forward(Record<Object, Object> record, String child) {
        ProcessorNode<?, ?, ?, ?> previousNode = context.currentNode();
        ProcessorRecordContext previousRecord = context.recordContext();
        context.setCurrentNode(node);
        context.setRecordContext(new ProcessorRecordContext(record.timestamp(), -1L, -1, null, new RecordHeaders()));
        try {
            context.forward(record, child);
        } finally {
            context.setRecordContext(previousRecord);
            context.setCurrentNode(previousNode);
        }
    }
}
