package dev.berth.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * Event: a provisioner announces its node. Routing key {@code node.heartbeat}.
 *
 * @param messageId     unique per message
 * @param nodeId        the node (one Docker host)
 * @param relayAddress  base URL of the terminal relay beside it
 * @param capacity      the most sessions the node takes
 * @param sessionsHeld  sessions whose containers are on the node now
 * @param engineVersion the Docker Engine's version
 * @param startedAt     when this provisioner started
 * @param sentAt        when the heartbeat was sent
 */
public record NodeHeartbeat(UUID messageId, String nodeId, String relayAddress, int capacity,
        int sessionsHeld, String engineVersion, Instant startedAt, Instant sentAt) {
}
