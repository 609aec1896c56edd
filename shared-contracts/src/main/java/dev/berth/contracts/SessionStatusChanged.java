package dev.berth.contracts;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Event: what a provisioner did to a session. Routing key {@code session.<status>}.
 *
 * @param messageId  unique per message, for duplicate detection
 * @param sessionId  the session
 * @param sequence   the sequence of the command this event answers; consumers drop events
 *                   older than the session's current version. {@link #OBSERVED} (0) for what the node saw
 *                   happen on its own: a main process that exited, a container removed outside Berth
 * @param status     the status the session reached
 * @param nodeId     the node that holds (or held) the session
 * @param containers the session's containers on that node, empty when none exist
 * @param reason     for {@code FAILED}: what went wrong, in words a person can act on
 * @param exitCode   for {@code STOPPED} seen by the node: the main process's exit code
 * @param occurredAt when it happened on the node
 */
public record SessionStatusChanged(UUID messageId, UUID sessionId, long sequence, SessionStatus status,
        String nodeId, List<ContainerState> containers, String reason, Integer exitCode, Instant occurredAt) {

    /** The sequence of an event that answers no command. */
    public static final long OBSERVED = 0;
}
