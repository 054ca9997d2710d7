package dev.allotment.streams.allocation;

/**
 * Where, on one partition of allotment.commands, the engine stopped taking its own commands from it. Releases before
 * {@code 7083547} (2026-12-05) sent the engine's own commands (an order's lines, a group's votes, a shard's transfers:
 * {@link CommandSenders#ENGINE}) on allotment.commands, beside the platforms'; this release sends them on
 * allotment.engine-commands and refuses them on allotment.commands, where a platform with Write on it could otherwise
 * send one and skip the order's rules (a forged {@code ShardGrant} would add units to a sharded SKU). Those an older
 * release left there at the upgrade must still be decided: they lie below the partition's end offset as it was when this
 * release first started (every instance of the older release is stopped first, operations.md "Upgrading"), so that end
 * is the fence. It is kept in the SKU task's own state the first time the task handles a record, or at its first
 * wall-clock round if that comes first (a partition idle across the upgrade), and never moved: a later start, whose
 * end is further on, reads the fence kept, not its own end.
 *
 * <p>{@code startEnd} is this process's reading of the end at its start; -1 when it is not known (a test of the
 * topology alone), which fences at 0: nothing of the engine's is taken from allotment.commands.
 */
public final class CommandsFence {
    private final Table<String> marks;
    private final String key;
    private final long startEnd;
    private long fence = -1;

    /**
     * @param marks the SKU task's table its fence is kept in, under {@code key}
     * @param startEnd the partition's end offset when this process started, or -1 if not known
     */
    public CommandsFence(Table<String> marks, String key, long startEnd) {
        this.marks = marks;
        this.key = key;
        this.startEnd = startEnd;
    }

    /**
     * The fence, kept the first time it is asked for: the one kept before if there is one, else the end at this
     * process's start. Asked at the task's first record, so that it is kept before any record after it is handled, and
     * at its first wall-clock round, so that a task with no record yet keeps it too.
     */
    public long fence() {
        if (fence < 0) {
            String kept = marks.get(key);
            if (kept != null) {
                fence = Long.parseLong(kept);
            } else {
                fence = Math.max(0, startEnd);
                marks.put(key, Long.toString(fence));
            }
        }
        return fence;
    }

    /** Whether an engine-only payload at {@code offset} of the partition is taken: only below the fence. */
    public boolean admits(long offset) {
        return offset >= 0 && offset < fence();
    }
}
