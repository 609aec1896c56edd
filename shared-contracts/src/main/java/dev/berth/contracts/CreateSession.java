package dev.berth.contracts;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Command: create and start the containers of a session.
 *
 * @param messageId   unique per message, for duplicate detection
 * @param sessionId   the session
 * @param sequence    the session's version when the command was issued; events answering it carry it
 * @param owner       the session's owner (token subject), put on the containers as a label
 * @param containers  the containers to create, in start order
 * @param expiresAt   the session's lease end
 * @param requestedAt when the user asked for the session
 */
public record CreateSession(UUID messageId, UUID sessionId, long sequence, String owner,
        List<ContainerSpec> containers, Instant expiresAt, Instant requestedAt) {
}
