package dev.berth.provisioner.session;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;

import dev.berth.contracts.ContainerLabels;
import dev.berth.contracts.DeleteSession;
import dev.berth.contracts.SessionStatus;
import dev.berth.contracts.StartSession;
import dev.berth.contracts.StopSession;
import dev.berth.provisioner.node.NodeProperties;

/**
 * At start and every interval, compares the containers labelled for this node with the sessions session-service
 * says should be here, and repairs both sides:
 * <ul>
 * <li>containers (and networks) of no live session are removed as ORPHANED, once older than the orphan grace and
 * checked again under the session's lock (a create under way holds it);</li>
 * <li>a session TERMINATING for longer than the ending grace (its delete command failed for good) has its
 * containers removed and is reported TERMINATED; a stop or start unanswered that long is carried out again;</li>
 * <li>a RUNNING or STOPPED session missing any of its containers becomes FAILED, and the rest are removed;</li>
 * <li>a RUNNING session one of whose containers exited unseen is stopped as a whole and becomes STOPPED.</li>
 * </ul>
 * A create interrupted halfway needs nothing here: its command is delivered again and finishes (the container's
 * name is the session's), and it is too young to be taken for an orphan.
 */
@Component
public class Reconciler {

    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    private final SessionResources resources;
    private final SessionWorker worker;
    private final ExpectedExits expectedExits;
    private final NodeProperties node;
    private final ReconcilerProperties properties;
    private final RestClient sessionService;
    private final Clock clock;
    private final Thread.Builder soon = Thread.ofVirtual().name("reconcile");

    public Reconciler(SessionResources resources, SessionWorker worker, ExpectedExits expectedExits,
            NodeProperties node, ReconcilerProperties properties, RestClient.Builder rest,
            @Value("${berth.internal.token:}") String internalToken, Clock clock) {
        this.resources = resources;
        this.worker = worker;
        this.expectedExits = expectedExits;
        this.node = node;
        this.properties = properties;
        this.sessionService = rest.baseUrl(properties.sessionServiceUri().toString())
                .defaultHeader("X-Berth-Internal-Token", internalToken).build();
        this.clock = clock;
    }

    /** What session-service says should be on this node (see session-service's PlacementController). */
    record NodeSession(UUID id, SessionStatus status, long version, Instant since, String pending,
            List<String> containers) {

        List<String> containerNames() {
            return containers == null ? List.of() : containers;
        }
    }

    /** Where session-service says a session is. */
    record Placement(SessionStatus status, String nodeId) {
    }

    @EventListener(ApplicationReadyEvent.class)
    void atStart() {
        reconcileSoon();
    }

    /** Reconciles on another thread, for callers that must not wait (the event stream reconnecting). */
    void reconcileSoon() {
        soon.start(this::reconcile);
    }

    @Scheduled(fixedDelayString = "${berth.reconciler.interval:60s}", initialDelayString = "${berth.reconciler.interval:60s}")
    public synchronized void reconcile() {
        List<NodeSession> expected;
        try {
            expected = Arrays.asList(sessionService.get().uri("/internal/v1/nodes/{id}/sessions", node.id())
                    .retrieve().body(NodeSession[].class));
        } catch (RuntimeException e) {
            log.warn("Not reconciling now: session-service did not say which sessions belong here ({})", e.toString());
            return;
        }
        Map<UUID, NodeSession> sessions = expected.stream()
                .collect(Collectors.toMap(NodeSession::id, session -> session, (a, b) -> a));
        Map<UUID, List<Container>> containers = new HashMap<>();
        for (Container container : resources.containersOnNode()) {
            String session = container.getLabels().get(ContainerLabels.SESSION);
            if (session != null) {
                containers.computeIfAbsent(UUID.fromString(session), id -> new java.util.ArrayList<>()).add(container);
            }
        }
        Instant now = clock.instant();
        Instant graceStart = now.minus(properties.orphanGrace());
        Instant overdue = now.minus(properties.endingGrace());
        containers.forEach((sessionId, own) -> {
            if (!sessions.containsKey(sessionId) && olderThan(own, graceStart)) {
                removeOrphan(sessionId, graceStart);
            }
        });
        for (NodeSession session : expected) {
            List<Container> own = containers.getOrDefault(session.id(), List.of());
            boolean old = session.since() == null || session.since().isBefore(overdue);
            try {
                repair(session, own, old);
            } catch (RuntimeException e) {
                log.warn("Could not reconcile session {} on node {}: {}", session.id(), node.id(), e.toString());
            }
        }
        removeOrphanNetworks(sessions.keySet(), containers.keySet(), graceStart);
    }

    private void repair(NodeSession session, List<Container> own, boolean old) {
        UUID id = session.id();
        if (session.status() == SessionStatus.TERMINATING) {
            if (old) {
                log.warn("Session {} has been TERMINATING since {}: removing its {} container(s) from node {}", id,
                        session.since(), own.size(), node.id());
                worker.delete(new DeleteSession(UUID.randomUUID(), id, session.version(), "TERMINATING"));
            }
            return;
        }
        if (session.status() != SessionStatus.RUNNING && session.status() != SessionStatus.STOPPED
                || expectedExits.expected(id)) {
            return;
        }
        List<String> here = own.stream().map(c -> c.getLabels().get(ContainerLabels.CONTAINER)).toList();
        boolean missing = session.containerNames().isEmpty() ? own.isEmpty()
                : !here.containsAll(session.containerNames());
        if (missing) {
            log.warn("Session {} is {} but container(s) of it are gone from node {}", id, session.status(),
                    node.id());
            worker.lost(id, session.containerNames());
        } else if (session.pending() != null) {
            if (old) {
                log.warn("Session {} waits since {} for its {} command: carrying it out again", id, session.since(),
                        session.pending());
                if ("STOP".equals(session.pending()) && session.status() == SessionStatus.RUNNING) {
                    worker.stop(new StopSession(UUID.randomUUID(), id, session.version()));
                } else if ("START".equals(session.pending()) && session.status() == SessionStatus.STOPPED) {
                    worker.start(new StartSession(UUID.randomUUID(), id, session.version()));
                }
            }
        } else if (session.status() == SessionStatus.RUNNING
                && own.stream().anyMatch(c -> !"running".equals(c.getState()))) {
            worker.exitedByItself(id, null);
        }
    }

    private static boolean olderThan(List<Container> containers, Instant instant) {
        return containers.stream().allMatch(c -> Instant.ofEpochSecond(c.getCreated()).isBefore(instant));
    }

    /**
     * Removes the containers of a session that is not live here. Checked again with the session's lock held: a
     * create that took longer than the grace has finished by then, and its session is live.
     */
    private void removeOrphan(UUID sessionId, Instant graceStart) {
        worker.locked(sessionId, () -> {
            List<Container> own = resources.containersOf(sessionId);
            if (own.isEmpty() || !olderThan(own, graceStart) || liveHere(sessionId)) {
                return;
            }
            log.warn("ORPHANED: removing {} container(s) of session {} from node {}: no live session owns them",
                    own.size(), sessionId, node.id());
            expectedExits.during(sessionId, () -> {
                resources.removeAll(sessionId);
                return null;
            });
        });
    }

    /** Whether the session is (or is about to be) live on this node; when session-service cannot say, it is. */
    private boolean liveHere(UUID sessionId) {
        Placement placement;
        try {
            placement = sessionService.get().uri("/internal/v1/sessions/{id}", sessionId).retrieve()
                    .body(Placement.class);
        } catch (HttpClientErrorException.NotFound e) {
            return false;
        } catch (RuntimeException e) {
            log.warn("Not removing the containers of session {} now: session-service did not say whether it lives "
                    + "({})", sessionId, e.toString());
            return true;
        }
        return placement != null && switch (placement.status()) {
            case REQUESTED, PROVISIONING -> true;
            case RUNNING, STOPPED, TERMINATING -> node.id().equals(placement.nodeId());
            default -> false;
        };
    }

    private void removeOrphanNetworks(Set<UUID> live, Set<UUID> withContainers, Instant graceStart) {
        Set<UUID> keep = new HashSet<>(live);
        keep.addAll(withContainers);
        for (Network network : resources.networksOnNode()) {
            String session = network.getLabels() == null ? null : network.getLabels().get(ContainerLabels.SESSION);
            if (session != null && !keep.contains(UUID.fromString(session))
                    && (network.getCreated() == null || network.getCreated().toInstant().isBefore(graceStart))) {
                log.warn("ORPHANED: removing network {} of session {} from node {}", network.getName(), session,
                        node.id());
                resources.removeNetwork(UUID.fromString(session));
            }
        }
    }
}
