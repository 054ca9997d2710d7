package dev.allotment.services.engine;

/** The engine cannot answer yet (starting, rebalancing); the edge answers 503 with Retry-After. */
public class EngineUnavailableException extends RuntimeException {
    public EngineUnavailableException(String message) {
        super(message);
    }
}
