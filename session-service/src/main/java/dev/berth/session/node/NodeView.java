package dev.berth.session.node;

import java.time.Instant;

/**
 * A node as admins see it.
 *
 * @param online whether its heartbeat arrived within the last three heartbeat intervals
 */
public record NodeView(String id, String relayAddress, int capacity, int sessionsHeld, String engineVersion,
        Instant startedAt, Instant lastSeenAt, boolean online) {
}
