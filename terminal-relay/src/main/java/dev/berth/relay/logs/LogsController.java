package dev.berth.relay.logs;

import java.util.Map;
import java.util.UUID;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.server.ServerWebExchange;

import dev.berth.relay.security.Caller;
import dev.berth.relay.session.RunningSession;
import dev.berth.relay.session.SessionAccess;
import dev.berth.relay.ticket.Tickets;
import dev.berth.relay.web.RelayException;
import dev.berth.relay.web.SocketRefusals;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * A session container's output as JSON lines {@code {timestamp, stream, message}}: over a WebSocket when the
 * request is an upgrade (a text frame per line; closed with 1000 at the end, or with 4000 + the HTTP status of
 * the refusal: 4400, 4401, 4404, 4409, ..., 4500 for an unexpected error), else as server-sent events
 * ({@code log} per line, then {@code end}, or {@code error} when the log could not be read).
 */
@RestController
@RequestMapping("/api/v1/sessions/{sessionId}/logs")
class LogsController {

    static final String PURPOSE = "logs";
    private static final String UNREADABLE = "The log could not be read";

    private final SessionAccess access;
    private final ContainerLogs logs;
    private final Tickets tickets;
    private final JsonMapper json;
    private final WebSocketService webSockets = new HandshakeWebSocketService();

    LogsController(SessionAccess access, ContainerLogs logs, Tickets tickets, JsonMapper json) {
        this.access = access;
        this.logs = logs;
        this.tickets = tickets;
        this.json = json;
    }

    /** A ticket for a client that can send no header: a browser's WebSocket or EventSource. */
    @PostMapping("/ticket")
    Mono<Tickets.Ticket> ticket(@PathVariable UUID sessionId, Authentication authentication) {
        Caller caller = Caller.of(authentication);
        return access.running(caller, sessionId)
                .map(session -> tickets.issue(caller.id(), caller.admin(), session.id(), PURPOSE));
    }

    @GetMapping(headers = "Upgrade")
    Mono<Void> webSocket(@PathVariable UUID sessionId, @RequestParam(required = false) String tail,
            @RequestParam(required = false) String follow, @RequestParam(required = false) String container,
            @RequestParam(required = false) String ticket, ServerWebExchange exchange) {
        Mono<Flux<LogLine>> lines = Mono.fromSupplier(() -> LogsQuery.parse(tail, follow))
                .flatMap(query -> session(exchange, sessionId, container, ticket)
                        .flatMap(session -> logs.open(session.containerId(), query)));
        return webSockets.handleRequest(exchange, socket -> lines
                .flatMap(opened -> stream(socket, opened))
                .onErrorResume(error -> socket.close(SocketRefusals.closeStatus(error, UNREADABLE))));
    }

    @GetMapping
    Mono<ResponseEntity<Flux<ServerSentEvent<String>>>> events(@PathVariable UUID sessionId,
            @RequestParam(required = false) String tail, @RequestParam(required = false) String follow,
            @RequestParam(required = false) String container, @RequestParam(required = false) String ticket,
            ServerWebExchange exchange) {
        return Mono.fromSupplier(() -> LogsQuery.parse(tail, follow))
                .flatMap(query -> session(exchange, sessionId, container, ticket)
                        .flatMap(session -> logs.open(session.containerId(), query)))
                .map(lines -> {
                    // a first comment sends the headers at once, before the first line
                    Flux<ServerSentEvent<String>> events = lines
                            .map(line -> event("log", json.writeValueAsString(line)))
                            .startWith(ServerSentEvent.<String>builder().comment("log of session " + sessionId)
                                    .build())
                            .concatWith(Mono.fromSupplier(() -> event("end", "{}")))
                            .onErrorResume(error -> Mono.just(event("error",
                                    json.writeValueAsString(problem(error)))));
                    return ResponseEntity.ok().contentType(MediaType.TEXT_EVENT_STREAM).body(events);
                });
    }

    /** Sends the lines until they end (then closes normally) or the client leaves. */
    private Mono<Void> stream(WebSocketSession socket, Flux<LogLine> lines) {
        Mono<Void> sent = socket.send(lines.map(line -> socket.textMessage(json.writeValueAsString(line))))
                .then(Mono.defer(() -> socket.close(new CloseStatus(CloseStatus.NORMAL.getCode(), "End of the log"))));
        return Mono.firstWithSignal(sent, socket.receive().then());
    }

    private Mono<RunningSession> session(ServerWebExchange exchange, UUID sessionId, String container,
            String ticket) {
        return tickets.caller(exchange, sessionId, ticket, PURPOSE)
                .flatMap(who -> access.running(who, sessionId, container));
    }

    private static ServerSentEvent<String> event(String name, String data) {
        return ServerSentEvent.builder(data).event(name).build();
    }

    private static Map<String, String> problem(Throwable error) {
        RelayException refused = SocketRefusals.refusal(error, UNREADABLE);
        return Map.of("reason", refused.slug(), "message", refused.getMessage());
    }
}
