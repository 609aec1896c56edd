package dev.berth.relay.session;

import java.util.UUID;

/**
 * A session the caller may use, running on this relay's node.
 *
 * @param containerId the session's workspace container (its first container)
 */
public record RunningSession(UUID id, String owner, String containerId) {
}
