package dev.berth.session.session;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.web.util.UriComponentsBuilder;

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
        Integer exitCode,
        TerminationReason terminationReason,
        Map<String, String> labels,
        String nodeId,
        List<ContainerState> containers,
        List<Integer> ports,
        List<Preview> previews,
        long version,
        Instant createdAt,
        Instant updatedAt,
        Instant expiresAt,
        long remainingSeconds,
        Instant runningAt,
        Instant lastActivityAt,
        Instant endedAt,
        Map<String, String> links) {

    public static final String BASE_PATH = "/api/v1/sessions";

    /**
     * Where the app on a session port can be seen: {@code url} on a host of its own, {@code pathUrl} under the
     * gateway's own host. A browser opens them through {@code POST .../previews/{port}/ticket}.
     */
    public record Preview(int port, String url, String pathUrl) {
    }

    /**
     * The session as seen at {@code now}: {@code remainingSeconds} counts down to the lease end, except while the
     * session is stopped and {@code pauseWhileStopped}.
     */
    public static SessionView of(Session session, SessionProperties properties, boolean pauseWhileStopped,
            Instant now) {
        URI base = properties.publicUrl();
        List<Preview> previews = session.ports().stream().map(port -> new Preview(port,
                UriComponentsBuilder.fromUri(base).host(session.id() + "-" + port + "." + properties.previewDomain())
                        .replacePath("/").toUriString(),
                UriComponentsBuilder.fromUri(base).replacePath("/preview/" + session.id() + "/" + port + "/")
                        .toUriString()))
                .toList();
        return new SessionView(session.id(), session.owner(), session.projectId(), session.template(),
                session.image(), session.status(), session.statusReason(), session.exitCode(),
                session.terminationReason(),
                session.labels(), session.nodeId(), session.containers(), session.ports(), previews,
                session.version(),
                session.createdAt(), session.updatedAt(), session.expiresAt(),
                session.remaining(now, pauseWhileStopped).toSeconds(),
                session.runningAt(), session.lastActivityAt(),
                session.endedAt(), Map.of("self", BASE_PATH + "/" + session.id(), "events",
                        BASE_PATH + "/events"));
    }
}
