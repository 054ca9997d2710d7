package dev.allotment.streams.state;

/** The engine cannot answer now (starting, rebalancing, a store moving, Kafka unreachable): a client retries (HTTP 503). */
public class EngineUnavailableException extends RuntimeException {
    public EngineUnavailableException(String message) {
        super(message);
    }
}
