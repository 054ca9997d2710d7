package dev.allotment.streams.allocation;

import dev.allotment.events.CommandGroup;
import dev.allotment.events.GroupMember;
import dev.allotment.events.GroupState;
import dev.allotment.events.MemberVote;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The coordinator's rule for a command over several SKUs (DESIGN §4 invariant 8): every part prepared (held on its SKU)
 * commits them all; one part refused, or a part silent past the deadline, aborts them all. Plain Java over the
 * {@link GroupState} its SKU's partition keeps; the topology sends the votes in and the verdict out.
 */
public final class CommandGroups {
    private CommandGroups() {}

    /** What the coordinator decided: commit, or abort with the code and reason every part is refused with. */
    public record Verdict(boolean commit, String code, String reason) {}

    /** A group's state when its first vote arrives: every member, none voted, aborted if still open at {@code deadline}. */
    public static GroupState open(CommandGroup group, String orderId, String principal, Instant deadline) {
        List<MemberVote> members = new ArrayList<>();
        for (GroupMember m : group.getMembers()) {
            members.add(MemberVote.newBuilder().setSku(m.getSku()).setCommandId(m.getCommandId()).build());
        }
        return GroupState.newBuilder().setGroupId(group.getGroupId()).setCoordinator(group.getCoordinator()).setOrderId(orderId)
            .setPrincipal(principal).setDeadline(deadline).setMembers(members).build();
    }

    /**
     * Counts one part's vote (again, harmlessly, if it voted before): the verdict once every part has said yes, or at
     * the first no; empty while parts are still to answer. A vote from a part that is not a member is ignored.
     */
    public static Optional<Verdict> vote(GroupState state, String commandId, boolean accepted, String code, String reason) {
        for (MemberVote m : state.getMembers()) {
            if (m.getCommandId().equals(commandId) && !m.getVoted()) {
                m.setVoted(true);
                m.setAccepted(accepted);
                m.setCode(code);
                m.setReason(reason);
            }
        }
        for (MemberVote m : state.getMembers()) {
            if (m.getVoted() && !m.getAccepted()) {
                return Optional.of(new Verdict(false, m.getCode() == null ? RefusalCode.UNSUPPORTED.wire() : m.getCode(),
                    "not applied, as the part on SKU " + m.getSku() + " was refused: " + m.getReason()));
            }
        }
        boolean all = state.getMembers().stream().allMatch(MemberVote::getVoted);
        return all ? Optional.of(new Verdict(true, null, null)) : Optional.empty();
    }

    /** The verdict at the deadline: abort, naming the parts that did not answer. */
    public static Verdict timedOut(GroupState state) {
        List<String> silent = state.getMembers().stream().filter(m -> !m.getVoted()).map(MemberVote::getSku).toList();
        return new Verdict(false, RefusalCode.COMMAND_TIMED_OUT.wire(), "not applied, as the parts on SKUs " + silent
            + " did not answer by " + state.getDeadline() + "; try again with a new Idempotency-Key");
    }
}
