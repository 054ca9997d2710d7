package dev.allotment.services.cluster;

/** Another instance did not answer a forwarded read (down, moving the task away, too slow, refusing): try another copy. */
public class PeerUnavailableException extends RuntimeException {
    public PeerUnavailableException(String message) {
        super(message);
    }
}
