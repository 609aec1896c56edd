package dev.berth.relay.session;

import java.util.List;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import dev.berth.contracts.ContainerState;
import dev.berth.contracts.SessionStatus;
import dev.berth.relay.activity.ActivityReporter;
import dev.berth.relay.security.Caller;
import dev.berth.relay.web.Problems;
import dev.berth.relay.web.RelayException;
import reactor.core.publisher.Mono;

/**
 * Who may use a session here: its owner (or an admin), while it is RUNNING on this relay's node. Another
 * owner's session is not found, exactly like a missing one. Each use counts as activity for the idle timeout.
 */
@Component
public class SessionAccess {

    private final SessionDirectory directory;
    private final RelayProperties properties;
    private final ActivityReporter activity;

    public SessionAccess(SessionDirectory directory, RelayProperties properties, ActivityReporter activity) {
        this.directory = directory;
        this.properties = properties;
        this.activity = activity;
    }

    /** The session in its first container. */
    public Mono<RunningSession> running(Caller caller, UUID sessionId) {
        return running(caller, sessionId, null);
    }

    /**
     * The session in its container named {@code container}, or in its first when null: of a template's
     * containers, the first listed.
     */
    public Mono<RunningSession> running(Caller caller, UUID sessionId, String container) {
        return directory.find(sessionId)
                .filter(placement -> caller.mayAccess(placement.owner()))
                .switchIfEmpty(Mono.error(() -> RelayException.notFound("Session " + sessionId)))
                .map(placement -> check(placement, container))
                .doOnNext(session -> activity.used(session.id()));
    }

    private RunningSession check(Placement placement, String container) {
        if (placement.status() != SessionStatus.RUNNING) {
            throw new RelayException(HttpStatus.CONFLICT, Problems.SESSION_NOT_RUNNING, "Session not running",
                    "Session " + placement.id() + " is " + placement.status() + "; this needs it RUNNING");
        }
        if (!properties.nodeId().equals(placement.nodeId())) {
            throw new RelayException(HttpStatus.MISDIRECTED_REQUEST, Problems.WRONG_NODE, "Wrong node",
                    "Session " + placement.id() + " lives on node " + placement.nodeId() + ", this relay serves "
                            + properties.nodeId());
        }
        List<ContainerState> containers = placement.containers();
        if (containers.isEmpty()) {
            throw new RelayException(HttpStatus.CONFLICT, Problems.SESSION_NOT_RUNNING, "Session not running",
                    "Session " + placement.id() + " has no container");
        }
        ContainerState used = container == null ? containers.getFirst() : containers.stream()
                .filter(candidate -> candidate.name().equals(container)).findFirst()
                .orElseThrow(() -> new RelayException(HttpStatus.NOT_FOUND, Problems.NOT_FOUND, "Not found",
                        "Session " + placement.id() + " has no container named '" + container + "'; its containers: "
                                + String.join(", ", containers.stream().map(ContainerState::name).toList())));
        return new RunningSession(placement.id(), placement.owner(), used.name(), used.containerId());
    }
}
