package dev.berth.session.placement;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import dev.berth.contracts.ContainerState;
import dev.berth.contracts.SessionStatus;
import dev.berth.session.node.NodeRepository;
import dev.berth.session.session.SessionRepository;
import dev.berth.session.web.ApiException;

/** {@code /internal/v1/sessions/{id}}: a session's owner, status, node and relay, for the other services. */
@RestController
public class PlacementController {

    private final SessionRepository sessions;
    private final NodeRepository nodes;

    public PlacementController(SessionRepository sessions, NodeRepository nodes) {
        this.sessions = sessions;
        this.nodes = nodes;
    }

    /**
     * The sessions that should have containers on a node (PROVISIONING, RUNNING, STOPPED) or are being removed
     * there (TERMINATING), for its reconciler.
     */
    @GetMapping("/internal/v1/nodes/{nodeId}/sessions")
    @Transactional(readOnly = true)
    public List<NodeSession> sessionsOn(@PathVariable String nodeId) {
        return sessions.findByNodeIdAndStatusIn(nodeId, ON_NODE).stream()
                .map(session -> new NodeSession(session.id(), session.status(), session.version(),
                        session.updatedAt(), session.pendingCommand(),
                        session.containers().stream().map(ContainerState::name).toList()))
                .toList();
    }

    /**
     * A session a node should hold.
     *
     * @param since      when the session last changed (for TERMINATING: since when it has been ending)
     * @param pending    the command ({@code STOP}, {@code START}) the node has not answered yet, or null
     * @param containers the names of the containers it had when last reported
     */
    public record NodeSession(UUID id, SessionStatus status, long version, Instant since, String pending,
            List<String> containers) {
    }

    private static final Set<SessionStatus> ON_NODE = EnumSet.of(SessionStatus.PROVISIONING, SessionStatus.RUNNING,
            SessionStatus.STOPPED, SessionStatus.TERMINATING);

    @GetMapping("/internal/v1/sessions/{id}")
    @Transactional(readOnly = true)
    public SessionPlacement placement(@PathVariable UUID id) {
        return sessions.findById(id).map(session -> new SessionPlacement(session.id(), session.owner(),
                session.status(), session.nodeId(),
                session.nodeId() == null ? null
                        : nodes.findById(session.nodeId()).map(node -> node.relayAddress()).orElse(null),
                session.containers()))
                .orElseThrow(() -> ApiException.notFound("Session " + id));
    }
}
