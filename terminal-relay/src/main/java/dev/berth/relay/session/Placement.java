package dev.berth.relay.session;

import java.util.List;
import java.util.UUID;

import dev.berth.contracts.ContainerState;
import dev.berth.contracts.SessionStatus;

/** Where a session lives, as session-service tells it ({@code /internal/v1/sessions/{id}}). */
public record Placement(UUID id, String owner, SessionStatus status, String nodeId, String relayAddress,
        List<ContainerState> containers) {
}
