package dev.allotment.services.engine;

/** Kafka refused to take a record the edge published, as larger than it accepts (answered 413: nothing was published). */
public class RecordTooLargeException extends RuntimeException {
    public RecordTooLargeException(String message) {
        super(message, null, false, false);
    }
}
