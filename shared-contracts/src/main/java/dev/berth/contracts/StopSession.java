package dev.berth.contracts;

import java.util.UUID;

/**
 * Command to the node that holds a session: stop its containers and keep their files.
 *
 * @param messageId unique per message, for duplicate detection
 * @param sessionId the session
 * @param sequence  the session's version when the command was issued
 */
public record StopSession(UUID messageId, UUID sessionId, long sequence) {
}
