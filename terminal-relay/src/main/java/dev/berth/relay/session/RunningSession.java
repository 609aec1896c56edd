package dev.berth.relay.session;

import java.util.UUID;

/**
 * A session the caller may use, running on this relay's node.
 *
 * @param container   the name of the container used: the one asked for, else the session's first
 * @param containerId that container's id
 */
public record RunningSession(UUID id, String owner, String container, String containerId) {
}
