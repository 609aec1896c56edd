package dev.berth.session.session;

import java.net.URI;
import java.util.UUID;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.berth.contracts.SessionStatus;
import dev.berth.session.security.Caller;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

@RestController
@RequestMapping(SessionView.BASE_PATH)
public class SessionController {

    private final SessionService sessions;
    private final SessionChanges changes;

    public SessionController(SessionService sessions, SessionChanges changes) {
        this.sessions = sessions;
        this.changes = changes;
    }

    /** Asks for a new session; it is provisioned asynchronously. */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<SessionView> create(Authentication auth,
            @RequestBody(required = false) @Valid CreateSessionRequest request) {
        SessionView session = sessions.create(Caller.of(auth),
                request == null ? new CreateSessionRequest(null, null, null, null, null, null) : request);
        return ResponseEntity.accepted().location(URI.create(session.links().get("self"))).body(session);
    }

    /** The caller's sessions, newest first; an admin sees everyone's and may filter by owner. */
    @GetMapping
    public SessionPage list(Authentication auth,
            @RequestParam(required = false) @Size(min = 1, max = 128) String owner,
            @RequestParam(required = false) @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}",
                    message = "must be 1 to 64 letters, digits, '.', '_' or '-'") String projectId,
            @RequestParam(required = false) SessionStatus status,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "20") @Min(1) int size) {
        return sessions.list(Caller.of(auth), owner, projectId, status, page, size);
    }

    @GetMapping("/{id}")
    public SessionView get(Authentication auth, @PathVariable UUID id) {
        return sessions.get(Caller.of(auth), id);
    }

    /** Ends a session; its containers are removed and it becomes TERMINATED. Deleting again is harmless. */
    @DeleteMapping("/{id}")
    public ResponseEntity<SessionView> delete(Authentication auth, @PathVariable UUID id) {
        return ResponseEntity.accepted().body(sessions.delete(Caller.of(auth), id));
    }

    /** Stops a RUNNING session; its files stay until it is started again or ends. */
    @PostMapping("/{id}/stop")
    public ResponseEntity<SessionView> stop(Authentication auth, @PathVariable UUID id) {
        return ResponseEntity.accepted().body(sessions.stop(Caller.of(auth), id));
    }

    /** Starts a STOPPED session again, with its files. */
    @PostMapping("/{id}/start")
    public ResponseEntity<SessionView> start(Authentication auth, @PathVariable UUID id) {
        return ResponseEntity.accepted().body(sessions.start(Caller.of(auth), id));
    }

    /** Ends all of the caller's live sessions. */
    @DeleteMapping
    public ResponseEntity<EndedSessions> deleteAll(Authentication auth) {
        return ResponseEntity.accepted().body(sessions.deleteAll(Caller.of(auth)));
    }

    /**
     * Server-sent events: every change to the caller's sessions ({@code event: session}, the session as it was
     * then) and warnings before a lease ends ({@code event: expiring}). A client reconnecting with
     * {@code Last-Event-ID} first gets what it missed.
     */
    @GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter events(Authentication auth,
            @RequestHeader(name = "Last-Event-ID", required = false) Long lastEventId) {
        return changes.subscribe(Caller.of(auth), lastEventId);
    }
}
