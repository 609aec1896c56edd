package dev.berth.session.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import dev.berth.contracts.Messaging;
import dev.berth.contracts.SessionStatus;
import dev.berth.contracts.SessionStatusChanged;
import dev.berth.session.lease.LeaseProperties;
import dev.berth.session.messaging.ProcessedMessages;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Applies what provisioners report. Duplicates are dropped by message id; an event answering an older
 * command than the session's current one is stale and changes nothing, except that containers reported
 * for a session that is ending or ended are removed.
 */
@Component
public class StatusEvents {

    private static final Logger log = LoggerFactory.getLogger(StatusEvents.class);

    /** Which reported status may follow which, for events answering the session's current command. */
    private static final Map<SessionStatus, Set<SessionStatus>> ALLOWED = Map.of(
            SessionStatus.PROVISIONING, EnumSet.of(SessionStatus.REQUESTED),
            SessionStatus.RUNNING, EnumSet.of(SessionStatus.REQUESTED, SessionStatus.PROVISIONING,
                    SessionStatus.STOPPED),
            SessionStatus.STOPPED, EnumSet.of(SessionStatus.RUNNING, SessionStatus.STOPPED),
            SessionStatus.FAILED, EnumSet.of(SessionStatus.REQUESTED, SessionStatus.PROVISIONING,
                    SessionStatus.RUNNING, SessionStatus.STOPPED, SessionStatus.TERMINATING),
            SessionStatus.TERMINATED, EnumSet.of(SessionStatus.TERMINATING));

    private final SessionRepository sessions;
    private final SessionService service;
    private final SessionChanges changes;
    private final ProcessedMessages processed;
    private final LeaseProperties leases;
    private final Clock clock;
    private final Timer timeToRunning;

    public StatusEvents(SessionRepository sessions, SessionService service, SessionChanges changes,
            ProcessedMessages processed, LeaseProperties leases, Clock clock, MeterRegistry meters) {
        this.sessions = sessions;
        this.service = service;
        this.changes = changes;
        this.processed = processed;
        this.leases = leases;
        this.clock = clock;
        this.timeToRunning = Timer.builder("berth.session.time.to.running")
                .description("Time from a session's request until it is RUNNING")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(50))
                .maximumExpectedValue(Duration.ofMinutes(5))
                .register(meters);
    }

    @RabbitListener(queues = Messaging.SESSION_EVENTS_QUEUE, concurrency = "${berth.events.consumers:2}")
    @Transactional
    public void on(SessionStatusChanged event) {
        if (!processed.firstTime(event.messageId())) {
            log.debug("Duplicate event {} dropped", event.messageId());
            return;
        }
        Session session = sessions.findForUpdate(event.sessionId()).orElse(null);
        if (session == null) {
            log.warn("Event {} for unknown session {} dropped", event.status(), event.sessionId());
            return;
        }
        if (event.sequence() == SessionStatusChanged.OBSERVED) {
            observed(session, event);
            return;
        }
        if (event.sequence() < session.version()) {
            stale(session, event);
            return;
        }
        if (event.sequence() > session.version()
                || !ALLOWED.getOrDefault(event.status(), Set.of()).contains(session.status())) {
            log.info("Event {} (sequence {}) does not apply to session {} in {} (version {}); dropped",
                    event.status(), event.sequence(), session.id(), session.status(), session.version());
            return;
        }
        apply(session, event);
        changes.announce(session);
    }

    private void apply(Session session, SessionStatusChanged event) {
        Instant now = clock.instant();
        switch (event.status()) {
            case PROVISIONING -> session.provisioning(event.nodeId(), now);
            case RUNNING -> {
                boolean restarted = session.status() == SessionStatus.STOPPED;
                session.resumed(leases.pauseWhileStopped(), now);
                session.running(event.nodeId(), event.containers(), now);
                if (!restarted) {
                    timeToRunning.record(Duration.between(session.createdAt(), now));
                }
            }
            case STOPPED -> session.stopped(event.containers(), event.exitCode(), event.reason(), now);
            case FAILED -> session.failed(event.reason(), now);
            case TERMINATED -> session.terminated(TerminationReason.USER, now);
            default -> throw new IllegalStateException("unreachable: " + event.status());
        }
        log.info("Session {} is {} on node {}{}", session.id(), session.status(), event.nodeId(),
                event.reason() == null ? "" : ": " + event.reason());
    }

    /**
     * What the node saw on its own: a RUNNING session whose main process exited is STOPPED with its exit code;
     * a live session whose containers vanished FAILED. Anything else was expected (a stop or delete under way).
     */
    private void observed(Session session, SessionStatusChanged event) {
        Instant now = clock.instant();
        if (event.status() == SessionStatus.STOPPED && session.status() == SessionStatus.RUNNING) {
            session.stopped(event.containers(), event.exitCode(), event.reason(), now);
        } else if (event.status() == SessionStatus.FAILED && (session.status() == SessionStatus.RUNNING
                || session.status() == SessionStatus.STOPPED)) {
            session.failedHere(event.reason(), now);
        } else {
            log.debug("Observation {} for session {} in {} ignored", event.status(), session.id(), session.status());
            return;
        }
        log.info("Session {} is {} on node {}: {}", session.id(), session.status(), event.nodeId(), event.reason());
        changes.announce(session);
    }

    /**
     * An answer to an earlier command. If it says containers exist while the session is ending or ended,
     * the node is told (again) to remove them: a delete that came before the node was known, or a create
     * delivered twice, leaves nothing behind.
     */
    private void stale(Session session, SessionStatusChanged event) {
        boolean containersExist = event.status() == SessionStatus.PROVISIONING
                || event.status() == SessionStatus.RUNNING;
        boolean ending = session.status() == SessionStatus.TERMINATING
                || session.status() == SessionStatus.TERMINATED || session.status() == SessionStatus.FAILED;
        if (!containersExist || !ending) {
            log.debug("Stale event {} (sequence {}) for session {} at version {} dropped", event.status(),
                    event.sequence(), session.id(), session.version());
            return;
        }
        if (session.status() == SessionStatus.TERMINATING && event.nodeId().equals(session.nodeId())) {
            return; // that node has the delete command already
        }
        if (session.nodeId() == null) {
            session.placedOn(event.nodeId());
        }
        log.info("Session {} is {}, but node {} reports its containers; telling that node to remove them",
                session.id(), session.status(), event.nodeId());
        service.tellNodeToDelete(session, event.nodeId());
    }
}
