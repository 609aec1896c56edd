package dev.berth.session.placement;

import java.util.List;
import java.util.UUID;

import dev.berth.contracts.ContainerState;
import dev.berth.contracts.SessionStatus;

/**
 * Where a session lives, for the gateway and the relays (service-to-service, not part of the public API).
 *
 * @param relayAddress base URL of the terminal relay of the session's node, null while it has no node
 */
public record SessionPlacement(UUID id, String owner, SessionStatus status, String nodeId, String relayAddress,
        List<ContainerState> containers) {
}
