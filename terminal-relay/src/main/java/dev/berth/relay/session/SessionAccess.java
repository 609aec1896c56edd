package dev.berth.relay.session;

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

    public Mono<RunningSession> running(Caller caller, UUID sessionId) {
        return directory.find(sessionId)
                .filter(placement -> caller.mayAccess(placement.owner()))
                .switchIfEmpty(Mono.error(() -> RelayException.notFound("Session " + sessionId)))
                .map(this::check)
                .doOnNext(session -> activity.used(session.id()));
    }

    private RunningSession check(Placement placement) {
        if (placement.status() != SessionStatus.RUNNING) {
            throw new RelayException(HttpStatus.CONFLICT, Problems.SESSION_NOT_RUNNING, "Session not running",
                    "Session " + placement.id() + " is " + placement.status() + "; this needs it RUNNING");
        }
        if (!properties.nodeId().equals(placement.nodeId())) {
            throw new RelayException(HttpStatus.MISDIRECTED_REQUEST, Problems.WRONG_NODE, "Wrong node",
                    "Session " + placement.id() + " lives on node " + placement.nodeId() + ", this relay serves "
                            + properties.nodeId());
        }
        ContainerState workspace = placement.containers().stream().findFirst()
                .orElseThrow(() -> new RelayException(HttpStatus.CONFLICT, Problems.SESSION_NOT_RUNNING,
                        "Session not running", "Session " + placement.id() + " has no container"));
        return new RunningSession(placement.id(), placement.owner(), workspace.containerId());
    }
}
