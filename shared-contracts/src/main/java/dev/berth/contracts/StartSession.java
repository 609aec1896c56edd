package dev.berth.contracts;

import java.util.UUID;

/**
 * Command to the node that holds a stopped session: start its containers again.
 *
 * @param messageId unique per message, for duplicate detection
 * @param sessionId the session
 * @param sequence  the session's version when the command was issued
 */
public record StartSession(UUID messageId, UUID sessionId, long sequence) {
}
