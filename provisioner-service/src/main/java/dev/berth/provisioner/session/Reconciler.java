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
import org.springframework.web.client.RestClient;

import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;

import dev.berth.contracts.ContainerLabels;
import dev.berth.contracts.SessionStatus;
import dev.berth.provisioner.node.NodeProperties;

/**
 * At start and every interval, compares the containers labelled for this node with the sessions session-service
 * says should be here, and repairs both sides: containers (and networks) of no live session are removed as
 * ORPHANED; a RUNNING session whose containers are gone becomes FAILED, and one whose main process exited
 * unseen becomes STOPPED. A create interrupted halfway needs nothing here: its command is delivered again
 * and finishes (the container's name is the session's), and it is too young to be taken for an orphan.
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

    /** What session-service says should be on this node. */
    record NodeSession(UUID id, SessionStatus status, long version) {
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
        Instant graceStart = clock.instant().minus(properties.orphanGrace());
        containers.forEach((sessionId, own) -> {
            NodeSession session = sessions.get(sessionId);
            if (session == null && own.stream().allMatch(c -> Instant.ofEpochSecond(c.getCreated()).isBefore(graceStart))) {
                removeOrphan(sessionId, own);
            } else if (session != null && session.status() == SessionStatus.RUNNING
                    && own.stream().noneMatch(c -> "running".equals(c.getState()))
                    && !expectedExits.expected(sessionId)) {
                worker.observed(sessionId, SessionStatus.STOPPED, "Its main process exited", null);
            }
        });
        for (NodeSession session : expected) {
            if ((session.status() == SessionStatus.RUNNING || session.status() == SessionStatus.STOPPED)
                    && !containers.containsKey(session.id()) && !expectedExits.expected(session.id())) {
                log.warn("Session {} is {} but its containers are gone from node {}", session.id(), session.status(),
                        node.id());
                worker.observed(session.id(), SessionStatus.FAILED,
                        "Its containers are gone from node " + node.id() + " (removed outside Berth)", null);
            }
        }
        removeOrphanNetworks(sessions.keySet(), containers.keySet(), graceStart);
    }

    private void removeOrphan(UUID sessionId, List<Container> own) {
        log.warn("ORPHANED: removing {} container(s) of session {} from node {}: no live session owns them",
                own.size(), sessionId, node.id());
        worker.locked(sessionId, () -> expectedExits.during(sessionId, () -> {
            resources.removeAll(sessionId);
            return null;
        }));
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
