package dev.berth.session.session;

import java.util.List;

/** The sessions a "delete all" ended. */
public record EndedSessions(int count, List<SessionView> sessions) {
}
