package dev.allotment.services.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which open transactions belong to an instance that has left the group, and so can be ended now. Under exactly-once v2
 * each stream thread's transactional id is {@code <application id>-<process id>-<thread index>}, and its consumer's
 * client id {@code <application id>-<process id>-StreamThread-<n>-consumer}: a transaction still ongoing whose process
 * id no member of the group shows was left by an instance that died (or was expired as a zombie). Left alone, it holds
 * every read_committed reader of its partitions, the new owner of its tasks included, until the broker times it out.
 *
 * <p>The judgement refuses to name anyone when it cannot map every member to a process: a member whose client id does
 * not name its process ({@code client.id} set by hand) would make every live instance look departed, and fencing them
 * would stop the engine. It also refuses while this instance is not a member itself (it may be the one expired).
 * Transactions must be listed before the group is described: a transaction ongoing when listed has an owner that had
 * joined by then, so an owner absent from a later description has left since.
 */
public final class DepartedProducers {
    private static final String PROCESS = "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})";
    private final Pattern transactionalId;
    private final Pattern memberClientId;

    /** What a look found: the transactional ids to fence, or why none can be judged now. */
    public record Judgement(List<String> departed, Optional<String> cannotJudge) {
        static Judgement refused(String why) {
            return new Judgement(List.of(), Optional.of(why));
        }
    }

    public DepartedProducers(String applicationId) {
        this.transactionalId = Pattern.compile(Pattern.quote(applicationId) + "-" + PROCESS + "-\\d+");
        this.memberClientId = Pattern.compile(Pattern.quote(applicationId) + "-" + PROCESS + "-StreamThread-\\d+-consumer");
    }

    /** The process id named by one of this application's stream-thread consumer client ids. */
    public Optional<String> processOfClient(String clientId) {
        Matcher m = memberClientId.matcher(clientId);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /**
     * The ongoing transactions (by transactional id, as listed) whose instance is no member of the group (the members'
     * client ids, described after the listing), given this instance's own process id.
     */
    public Judgement judge(Collection<String> ongoing, Collection<String> memberClientIds, String ownProcess) {
        Set<String> live = new HashSet<>();
        for (String clientId : memberClientIds) {
            Optional<String> process = processOfClient(clientId);
            if (process.isEmpty()) {
                return Judgement.refused("a member's client id does not name its process: " + clientId);
            }
            live.add(process.get());
        }
        if (!live.contains(ownProcess)) {
            return Judgement.refused("this instance (" + ownProcess + ") is not a member of the group now");
        }
        List<String> departed = new ArrayList<>();
        for (String id : ongoing) {
            Matcher m = transactionalId.matcher(id);
            if (m.matches() && !live.contains(m.group(1))) {
                departed.add(id);
            }
        }
        departed.sort(String::compareTo);
        return new Judgement(departed, Optional.empty());
    }
}
