package dev.berth.relay.exec;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

import dev.berth.relay.security.Caller;
import dev.berth.relay.session.RunningSession;
import dev.berth.relay.session.SessionAccess;
import dev.berth.relay.ticket.Tickets;
import dev.berth.relay.web.JsonBodies;
import dev.berth.relay.web.RelayException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** Commands run in a session: in the foreground, or in the background with a handle and followable output. */
@RestController
@RequestMapping("/api/v1/sessions/{sessionId}")
class ExecController {

    private final SessionAccess access;
    private final Commands commands;
    private final BackgroundProcesses background;
    private final Tickets tickets;
    private final JsonBodies bodies;
    private final JsonMapper json;

    ExecController(SessionAccess access, Commands commands, BackgroundProcesses background, Tickets tickets,
            JsonBodies bodies, JsonMapper json) {
        this.access = access;
        this.commands = commands;
        this.background = background;
        this.tickets = tickets;
        this.bodies = bodies;
        this.json = json;
    }

    @PostMapping("/exec")
    Mono<ResponseEntity<Object>> exec(@PathVariable UUID sessionId, @RequestParam(required = false) String container,
            @RequestBody(required = false) Mono<String> body, Authentication authentication) {
        return access.running(Caller.of(authentication), sessionId, container).flatMap(session -> bodies.read(body)
                .switchIfEmpty(Mono.error(() -> RelayException.invalid("body",
                        "is required: a JSON object with at least a command")))
                .flatMap(request -> run(session, ExecRequest.parse(request))));
    }

    private Mono<ResponseEntity<Object>> run(RunningSession session, ExecRequest request) {
        if (request.background()) {
            return background.start(session, request).map(process -> ResponseEntity.accepted()
                    .location(URI.create(process.links().self())).body(process));
        }
        return commands.run(session, request).map(ResponseEntity::ok);
    }

    @GetMapping("/processes")
    Mono<List<ProcessView>> processes(@PathVariable UUID sessionId, Authentication authentication) {
        return access.running(Caller.of(authentication), sessionId)
                .map(session -> background.list(session.id()));
    }

    @GetMapping("/processes/{processId}")
    Mono<ProcessView> process(@PathVariable UUID sessionId, @PathVariable String processId,
            Authentication authentication) {
        return access.running(Caller.of(authentication), sessionId)
                .map(session -> background.find(session.id(), processId)
                        .orElseThrow(() -> RelayException.notFound("Process " + processId)));
    }

    /** Kills a running process (202, it ends shortly) or forgets an ended one (204). */
    @DeleteMapping("/processes/{processId}")
    Mono<ResponseEntity<ProcessView>> kill(@PathVariable UUID sessionId, @PathVariable String processId,
            Authentication authentication) {
        return access.running(Caller.of(authentication), sessionId)
                .map(session -> background.delete(session.id(), processId)
                        .map(process -> process.status() == ProcessStatus.RUNNING
                                ? ResponseEntity.accepted().body(process)
                                : ResponseEntity.noContent().<ProcessView>build())
                        .orElseThrow(() -> RelayException.notFound("Process " + processId)));
    }

    /** A ticket to follow the output from a browser's EventSource, which sends no headers. */
    @PostMapping("/processes/{processId}/output/ticket")
    Mono<Tickets.Ticket> outputTicket(@PathVariable UUID sessionId, @PathVariable String processId,
            Authentication authentication) {
        Caller caller = Caller.of(authentication);
        return access.running(caller, sessionId)
                .filter(session -> background.find(session.id(), processId).isPresent())
                .switchIfEmpty(Mono.error(() -> RelayException.notFound("Process " + processId)))
                .map(session -> tickets.issue(caller.id(), caller.admin(), session.id(), purpose(processId)));
    }

    /**
     * The process's output as server-sent events: {@code output} events with the retained output, then new
     * output while {@code follow}, then {@code exit}; {@code error} when the client fell too far behind.
     */
    @GetMapping("/processes/{processId}/output")
    Mono<ResponseEntity<Flux<ServerSentEvent<String>>>> output(@PathVariable UUID sessionId,
            @PathVariable String processId, @RequestParam(required = false) String follow,
            @RequestParam(required = false) String ticket, ServerWebExchange exchange) {
        return Mono.fromSupplier(() -> flag("follow", follow))
                .flatMap(live -> tickets.caller(exchange, sessionId, ticket, purpose(processId))
                        .flatMap(caller -> access.running(caller, sessionId))
                        .map(session -> background.output(session.id(), processId, live)
                                .orElseThrow(() -> RelayException.notFound("Process " + processId))))
                .map(events -> {
                    // a first comment sends the headers at once: the client knows it is following
                    ServerSentEvent<String> opened = ServerSentEvent.<String>builder()
                            .comment("output of process " + processId).build();
                    return ResponseEntity.ok().contentType(MediaType.TEXT_EVENT_STREAM).body(events
                            .map(event -> ServerSentEvent.builder(json.writeValueAsString(event))
                                    .event(event.name()).build())
                            .startWith(opened));
                });
    }

    private static boolean flag(String name, String value) {
        if (value == null || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        throw RelayException.invalid(name, "must be true or false");
    }

    private static String purpose(String processId) {
        return "process:" + processId;
    }
}
