package dev.berth.session.lease;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.berth.session.security.Caller;
import dev.berth.session.session.Session;
import dev.berth.session.session.SessionChanges;
import dev.berth.session.session.SessionRepository;
import dev.berth.session.template.Template;
import dev.berth.session.template.Templates;
import dev.berth.session.web.ApiException;
import dev.berth.session.web.Problems;

/** Extending leases, and recording that sessions are in use. */
@Service
public class Leases {

    private final SessionRepository sessions;
    private final SessionChanges changes;
    private final LeaseProperties properties;
    private final Templates templates;
    private final JdbcTemplate jdbc;
    private final Clock clock;

    public Leases(SessionRepository sessions, SessionChanges changes, LeaseProperties properties,
            Templates templates, JdbcTemplate jdbc, Clock clock) {
        this.sessions = sessions;
        this.changes = changes;
        this.properties = properties;
        this.templates = templates;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Transactional
    public LeaseExtension extend(Caller caller, UUID id, int minutes) {
        Session session = sessions.findForUpdate(id).filter(found -> caller.mayAccess(found.owner()))
                .orElseThrow(() -> ApiException.notFound("Session " + id));
        if (!session.isLive()) {
            throw new ApiException(HttpStatus.CONFLICT, Problems.SESSION_ENDED, "Session ended",
                    "Session " + id + " is " + session.status() + "; only a live session's lease can be extended",
                    java.util.List.of());
        }
        Instant now = clock.instant();
        Instant before = session.expiresAt();
        Instant cap = session.lifetimeCap(longestLife(session));
        Instant after = session.extendLease(Duration.ofMinutes(minutes), cap, now);
        if (after.isAfter(before)) {
            changes.announce(session);
        }
        return new LeaseExtension(id, before, after, minutes, Duration.between(before, after).toSeconds(),
                before.plus(Duration.ofMinutes(minutes)).isAfter(cap), cap,
                Math.max(0, Duration.between(now, after).toSeconds()));
    }

    /** The maximum lifetime, or the template's longest lease where that is shorter. */
    private Duration longestLife(Session session) {
        return templates.find(session.template()).map(Template::maxDurationMinutes)
                .map(Duration::ofMinutes)
                .filter(limit -> limit.compareTo(properties.maxLifetime()) < 0)
                .orElse(properties.maxLifetime());
    }

    /** Records activity (terminal, command, file, preview) on live sessions, for the idle timeout. */
    @Transactional
    public int touch(Collection<UUID> sessionIds) {
        if (sessionIds.isEmpty()) {
            return 0;
        }
        return jdbc.update("update sessions set last_activity_at = now() where id = any(?) and status in "
                + "('REQUESTED', 'PROVISIONING', 'RUNNING', 'STOPPED')", (Object) sessionIds.toArray(UUID[]::new));
    }
}
