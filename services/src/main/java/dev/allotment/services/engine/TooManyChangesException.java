package dev.allotment.services.engine;

/**
 * A request that would send more commands than an order may have lines (answered 422 {@code limit_exceeded}; nothing was
 * sent). The commands of one request go as one group, and each carries the group's members: a request of thousands of
 * changes made records the square of its size, and one transaction that outlasted Kafka's transaction timeout.
 */
public class TooManyChangesException extends RuntimeException {
    public TooManyChangesException(String message) {
        super(message, null, false, false);
    }
}
