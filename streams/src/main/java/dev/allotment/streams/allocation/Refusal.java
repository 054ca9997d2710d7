package dev.allotment.streams.allocation;

/** Why a command or stock change was refused: a machine-readable code and a sentence naming what. */
public final class Refusal extends RuntimeException {
    private final RefusalCode code;

    public Refusal(RefusalCode code, String reason) {
        super(reason, null, false, false);
        this.code = code;
    }

    public RefusalCode code() {
        return code;
    }
}
