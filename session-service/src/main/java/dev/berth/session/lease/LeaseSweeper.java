package dev.berth.session.lease;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.berth.session.session.Session;
import dev.berth.session.session.SessionChanges;
import dev.berth.session.session.SessionRepository;
import dev.berth.session.session.SessionService;
import dev.berth.session.session.TerminationReason;

/**
 * Every sweep interval: ends expired and idle sessions (a stopped session neither expires, nor idles, nor is
 * warned of expiry while its lease is paused), warns before expiry, tells why a session still waits for
 * a node, and fails sessions that waited too long or whose node went silent. Rows are claimed with
 * {@code FOR UPDATE SKIP LOCKED}, so with several session-service instances each session is handled once.
 */
@Component
public class LeaseSweeper {

    private static final Logger log = LoggerFactory.getLogger(LeaseSweeper.class);
    private static final int BATCH = 100;
    private static final String LIVE = "('REQUESTED', 'PROVISIONING', 'RUNNING', 'STOPPED')";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final SessionRepository sessions;
    private final SessionService service;
    private final SessionChanges changes;
    private final LeaseProperties properties;
    private final Clock clock;

    public LeaseSweeper(JdbcTemplate jdbc, TransactionTemplate transactions, SessionRepository sessions,
            SessionService service, SessionChanges changes, LeaseProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.sessions = sessions;
        this.service = service;
        this.changes = changes;
        this.properties = properties;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${berth.leases.sweep-interval:15s}", initialDelayString = "${berth.leases.sweep-interval:15s}")
    public void sweep() {
        // With a paused lease, a stopped session's lease end moves on when it starts again.
        each("status in " + LIVE + " and expires_at <= now()"
                + (properties.pauseWhileStopped() ? " and status <> 'STOPPED'" : ""), new Object[0],
                session -> service.end(session, TerminationReason.EXPIRED));
        if (!properties.idleTimeout().isZero()) {
            // the latest of these: a session started again after a stop has been in use since then
            each("status in " + (properties.pauseWhileStopped() ? "('RUNNING')" : "('RUNNING', 'STOPPED')")
                    + " and greatest(last_activity_at, running_at, created_at) < ?",
                    new Object[] {timestamp(properties.idleTimeout())},
                    session -> service.end(session, TerminationReason.IDLE));
        }
        if (!properties.warnBefore().isZero()) {
            each("status in " + LIVE + " and expiry_warned_at is null and expires_at <= ?"
                    + (properties.pauseWhileStopped() ? " and status <> 'STOPPED'" : ""),
                    new Object[] {java.sql.Timestamp.from(clock.instant().plus(properties.warnBefore()))},
                    session -> {
                        session.warnedOfExpiry(clock.instant());
                        changes.announceExpiring(session);
                    });
        }
        each("status = 'REQUESTED' and created_at < ?", new Object[] {timestamp(properties.provisionTimeout())},
                session -> fail(session, "No node took the session within " + properties.provisionTimeout()
                        + (waitingReason() == null ? "" : " (" + waitingReason() + ")")));
        each("status in " + LIVE + " and node_id in (select id from nodes where last_seen_at < ?)",
                new Object[] {timestamp(properties.nodeOfflineAfter())},
                session -> fail(session, "Node " + session.nodeId() + " has not been heard from for "
                        + properties.nodeOfflineAfter()));
        explainWaiting();
    }

    /** Sessions still REQUESTED see why: no node online, or every node full. */
    private void explainWaiting() {
        String reason = waitingReason();
        each("status = 'REQUESTED' and created_at < ? and status_reason is distinct from ?",
                new Object[] {java.sql.Timestamp.from(clock.instant().minusSeconds(5)), reason},
                session -> {
                    session.waiting(reason, clock.instant());
                    changes.announce(session);
                });
    }

    /** Why a new session can not be placed now, or null when some online node has room. */
    String waitingReason() {
        List<int[]> online = jdbc.query("select capacity, sessions_held from nodes where last_seen_at >= ?",
                (rs, i) -> new int[] {rs.getInt(1), rs.getInt(2)},
                java.sql.Timestamp.from(clock.instant().minus(Duration.ofSeconds(30))));
        if (online.isEmpty()) {
            return "Waiting for a node: none is online";
        }
        if (online.stream().allMatch(node -> node[1] >= node[0])) {
            return "Waiting for room: all " + online.size() + " online node(s) are at capacity";
        }
        return null;
    }

    private void fail(Session session, String reason) {
        log.warn("Session {} fails: {}", session.id(), reason);
        session.failedHere(reason, clock.instant());
        changes.announce(session);
    }

    /** Applies {@code action} to every session the condition holds for, a locked batch per transaction. */
    private void each(String condition, Object[] arguments, Consumer<Session> action) {
        while (true) {
            Integer handled = transactions.execute(status -> {
                List<UUID> ids = jdbc.queryForList("select id from sessions where " + condition
                        + " order by created_at limit " + BATCH + " for update skip locked", UUID.class, arguments);
                ids.forEach(id -> sessions.findById(id).ifPresent(action));
                return ids.size();
            });
            if (handled == null || handled < BATCH) {
                return;
            }
        }
    }

    private java.sql.Timestamp timestamp(Duration ago) {
        Instant instant = clock.instant().minus(ago);
        return java.sql.Timestamp.from(instant);
    }
}
