package dev.berth.session.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.Page;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.berth.contracts.ContainerSpec;
import dev.berth.contracts.CreateSession;
import dev.berth.contracts.DeleteSession;
import dev.berth.contracts.Messaging;
import dev.berth.contracts.SessionStatus;
import dev.berth.contracts.StartSession;
import dev.berth.contracts.StopSession;
import dev.berth.session.lease.LeaseProperties;
import dev.berth.session.outbox.Outbox;
import dev.berth.session.security.Caller;
import dev.berth.session.template.Template;
import dev.berth.session.template.TemplateValues;
import dev.berth.session.template.Templates;
import dev.berth.session.web.ApiException;
import dev.berth.session.web.Problems;

/** What users do to sessions: every change is committed together with the command it causes. */
@Service
public class SessionService {

    private static final Logger log = LoggerFactory.getLogger(SessionService.class);

    private final SessionRepository sessions;
    private final Outbox outbox;
    private final SessionChanges changes;
    private final SessionProperties properties;
    private final LeaseProperties leases;
    private final Templates templates;
    private final JdbcTemplate jdbc;
    private final Clock clock;

    public SessionService(SessionRepository sessions, Outbox outbox, SessionChanges changes,
            SessionProperties properties, LeaseProperties leases, Templates templates, JdbcTemplate jdbc,
            Clock clock) {
        this.sessions = sessions;
        this.outbox = outbox;
        this.changes = changes;
        this.properties = properties;
        this.leases = leases;
        this.templates = templates;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Transactional
    public SessionView create(Caller caller, CreateSessionRequest request) {
        Template template = template(caller, request);
        int minutes = duration(template, request.durationMinutes());
        checkQuota(caller);
        checkTemplateLimit(caller, template);
        Instant now = clock.instant();
        UUID id = UUID.randomUUID();
        List<ContainerSpec> containers = TemplateValues.containers(template, id, caller.id());
        Session session = Session.requested(id, caller.id(), request.projectId(), template.name(),
                containers.getFirst().image(), request.labelsOrEmpty(), request.envOrEmpty(), template.ports(), now,
                now.plus(Duration.ofMinutes(minutes)));
        sessions.save(session);
        UUID messageId = UUID.randomUUID();
        outbox.add(session.id(), Messaging.COMMANDS, Messaging.CREATE_SESSION, messageId,
                new CreateSession(messageId, session.id(), session.version(), session.owner(), containers,
                        session.expiresAt(), now));
        changes.announce(session);
        log.info("Session {} requested by {} (template {}, image {}, {} min)", session.id(), caller.id(),
                template.name(), session.image(), minutes);
        return view(session);
    }

    /** The template asked for, if the caller may use it; the default one made of the image asked for. */
    private Template template(Caller caller, CreateSessionRequest request) {
        String name = request.template() == null ? Templates.DEFAULT : request.template();
        if (name.equals(Templates.DEFAULT)) {
            String image = request.image() == null ? properties.defaultImage() : request.image();
            if (!properties.allowedImages().contains(image)) {
                throw ApiException.invalidField("image", "'" + image + "' is not allowed; allowed images: "
                        + properties.allowedImages());
            }
            return templates.node(image, request.envOrEmpty());
        }
        Template template = templates.find(name).orElseThrow(() -> ApiException.invalidField("template",
                "there is no template " + name + "; GET /api/v1/templates lists them"));
        if (request.image() != null || !request.envOrEmpty().isEmpty()) {
            throw ApiException.invalidField(request.image() != null ? "image" : "env", "applies only to the "
                    + Templates.DEFAULT + " template; template " + name + " names its own images and environment");
        }
        if (!template.enabled()) {
            throw new ApiException(HttpStatus.FORBIDDEN, Problems.TEMPLATE_DISABLED, "Template disabled",
                    "Template " + name + " is disabled here; an operator can enable it in its template file",
                    List.of());
        }
        if (template.role() != null && !caller.hasRole(template.role())) {
            throw ApiException.forbidden("Template " + name + " is only for users with the role " + template.role());
        }
        return template;
    }

    private int duration(Template template, Integer asked) {
        int max = template.maxDurationMinutes() == null ? properties.maxDurationMinutes()
                : Math.min(template.maxDurationMinutes(), properties.maxDurationMinutes());
        if (asked == null) {
            return Math.min(properties.defaultDurationMinutes(), max);
        }
        if (asked > max) {
            throw ApiException.invalidField("durationMinutes", "must be at most " + max
                    + (template.name().equals(Templates.DEFAULT) ? "" : " for template " + template.name()));
        }
        return asked;
    }

    /** A template limited per owner: one more live session of it answers 409 naming the one there is. */
    private void checkTemplateLimit(Caller caller, Template template) {
        if (template.maxPerOwner() <= 0) {
            return;
        }
        List<Session> live = sessions.findByOwnerAndTemplateAndStatusInOrderByCreatedAtAsc(caller.id(),
                template.name(), Session.LIVE);
        if (live.size() >= template.maxPerOwner()) {
            throw new ApiException(HttpStatus.CONFLICT, Problems.TEMPLATE_LIMIT, "Template limit reached",
                    "You may have " + template.maxPerOwner() + " live session(s) of template " + template.name()
                            + " and have " + live.getFirst().id() + "; use it, or end it first", List.of(),
                    Map.of("existingSessionId", live.getFirst().id()));
        }
    }

    /** At most {@code maxLivePerOwner} live sessions; creates of one owner are serialized to count exactly. */
    private void checkQuota(Caller caller) {
        jdbc.queryForObject("select pg_advisory_xact_lock(hashtext(?))::text", String.class, caller.id());
        long live = sessions.countByOwnerAndStatusIn(caller.id(), Session.LIVE);
        if (live >= properties.maxLivePerOwner()) {
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, Problems.QUOTA_EXCEEDED, "Too many sessions",
                    "You have " + live + " live sessions, the most allowed is " + properties.maxLivePerOwner()
                            + "; end one (DELETE /api/v1/sessions/{id}) before creating another", List.of());
        }
    }

    @Transactional(readOnly = true)
    public SessionView get(Caller caller, UUID id) {
        return sessions.findById(id).filter(session -> caller.mayAccess(session.owner())).map(this::view)
                .orElseThrow(() -> ApiException.notFound("Session " + id));
    }

    @Transactional(readOnly = true)
    public SessionPage list(Caller caller, String owner, String projectId, SessionStatus status, int page,
            int size) {
        if (size > properties.maxPageSize()) {
            throw ApiException.invalidField("size", "must be at most " + properties.maxPageSize());
        }
        String visibleOwner = owner;
        if (!caller.admin()) {
            if (owner != null && !owner.equals(caller.id())) {
                throw ApiException.forbidden("Only an admin may list another owner's sessions");
            }
            visibleOwner = caller.id();
        }
        Specification<Session> filter = Specification.unrestricted();
        if (visibleOwner != null) {
            String value = visibleOwner;
            filter = filter.and((root, query, cb) -> cb.equal(root.get("owner"), value));
        }
        if (projectId != null) {
            filter = filter.and((root, query, cb) -> cb.equal(root.get("projectId"), projectId));
        }
        if (status != null) {
            filter = filter.and((root, query, cb) -> cb.equal(root.get("status"), status));
        }
        Page<Session> result = sessions.findAll(filter,
                PageRequest.of(page, size, Sort.by(Sort.Order.desc("createdAt"), Sort.Order.asc("id"))));
        return new SessionPage(result.map(this::view).getContent(), page, size, result.getTotalElements(),
                result.getTotalPages());
    }

    @Transactional
    public SessionView delete(Caller caller, UUID id) {
        Session session = visibleForUpdate(caller, id);
        end(session, caller.id().equals(session.owner()) ? TerminationReason.USER : TerminationReason.ADMIN);
        return view(session);
    }

    @Transactional
    public EndedSessions deleteAll(Caller caller) {
        List<SessionView> ended = new ArrayList<>();
        for (Session session : sessions.findForUpdateByOwnerAndStatusIn(caller.id(), Session.LIVE)) {
            end(session, TerminationReason.USER);
            ended.add(view(session));
        }
        return new EndedSessions(ended.size(), ended);
    }

    /**
     * Ends a session: a command nobody has taken yet is withdrawn; otherwise the node that holds it is told.
     * Ending an ending or ended session changes nothing.
     */
    public void end(Session session, TerminationReason reason) {
        Instant now = clock.instant();
        switch (session.status()) {
            case TERMINATING, TERMINATED, FAILED -> {
                return;
            }
            case REQUESTED -> {
                if (outbox.withdraw(session.id(), Messaging.CREATE_SESSION)) {
                    session.terminating(reason, now);
                    session.terminated(reason, now);
                } else {
                    // Published but not answered yet: the node is told once it reports that it took it.
                    session.terminating(reason, now);
                }
            }
            case PROVISIONING, RUNNING, STOPPED -> {
                session.terminating(reason, now);
                tellNodeToDelete(session, session.nodeId());
            }
        }
        changes.announce(session);
        log.info("Session {} ending ({}), now {}", session.id(), reason, session.status());
    }

    /** Stops a RUNNING session's containers; their files stay. */
    @Transactional
    public SessionView stop(Caller caller, UUID id) {
        Session session = visibleForUpdate(caller, id);
        requireStatus(session, SessionStatus.RUNNING, "stopped");
        session.commandIssued(Session.STOPPING, clock.instant());
        UUID messageId = UUID.randomUUID();
        outbox.add(session.id(), Messaging.COMMANDS, Messaging.NODE_PREFIX + session.nodeId()
                + Messaging.STOP_SESSION_SUFFIX, messageId, new StopSession(messageId, id, session.version()));
        changes.announce(session);
        return view(session);
    }

    /** Starts a STOPPED session's containers again, with their files. */
    @Transactional
    public SessionView start(Caller caller, UUID id) {
        Session session = visibleForUpdate(caller, id);
        requireStatus(session, SessionStatus.STOPPED, "started");
        session.commandIssued(Session.STARTING, clock.instant());
        UUID messageId = UUID.randomUUID();
        outbox.add(session.id(), Messaging.COMMANDS, Messaging.NODE_PREFIX + session.nodeId()
                + Messaging.START_SESSION_SUFFIX, messageId, new StartSession(messageId, id, session.version()));
        changes.announce(session);
        return view(session);
    }

    private Session visibleForUpdate(Caller caller, UUID id) {
        return sessions.findForUpdate(id).filter(found -> caller.mayAccess(found.owner()))
                .orElseThrow(() -> ApiException.notFound("Session " + id));
    }

    private static void requireStatus(Session session, SessionStatus status, String verb) {
        if (session.status() != status) {
            throw new ApiException(HttpStatus.CONFLICT, Problems.WRONG_STATUS, "Wrong status", "Session "
                    + session.id() + " is " + session.status() + "; only a " + status + " session can be " + verb,
                    List.of());
        }
    }

    /** Sends a delete command of the session's current version to a node. */
    void tellNodeToDelete(Session session, String nodeId) {
        UUID messageId = UUID.randomUUID();
        String reason = session.terminationReason() == null ? TerminationReason.ORPHANED.name()
                : session.terminationReason().name();
        outbox.add(session.id(), Messaging.COMMANDS,
                Messaging.NODE_PREFIX + nodeId + Messaging.DELETE_SESSION_SUFFIX, messageId,
                new DeleteSession(messageId, session.id(), session.version(), reason));
    }

    public SessionView view(Session session) {
        return SessionView.of(session, properties, leases.pauseWhileStopped(), clock.instant());
    }
}
