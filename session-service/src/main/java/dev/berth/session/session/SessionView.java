package dev.berth.session.session;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.berth.contracts.ContainerState;
import dev.berth.contracts.SessionStatus;

/** A session as the API shows it. Environment values are not shown: they may hold secrets. */
public record SessionView(
        UUID id,
        String owner,
        String projectId,
        String template,
        String image,
        SessionStatus status,
        String statusReason,
        TerminationReason terminationReason,
        Map<String, String> labels,
        String nodeId,
        List<ContainerState> containers,
        List<Integer> ports,
        long version,
        Instant createdAt,
        Instant updatedAt,
        Instant expiresAt,
        Instant runningAt,
        Instant endedAt,
        Map<String, String> links) {

    public static final String BASE_PATH = "/api/v1/sessions";

    static SessionView of(Session session) {
        return new SessionView(session.id(), session.owner(), session.projectId(), session.template(),
                session.image(), session.status(), session.statusReason(), session.terminationReason(),
                session.labels(), session.nodeId(), session.containers(), session.ports(), session.version(),
                session.createdAt(), session.updatedAt(), session.expiresAt(), session.runningAt(),
                session.endedAt(), Map.of("self", BASE_PATH + "/" + session.id(), "events",
                        BASE_PATH + "/events"));
    }
}
