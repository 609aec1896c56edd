package dev.berth.relay.terminal;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.server.ServerWebExchange;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import dev.berth.relay.activity.ActivityReporter;
import dev.berth.relay.security.Caller;
import dev.berth.relay.session.SessionAccess;
import dev.berth.relay.ticket.Tickets;
import dev.berth.relay.web.JsonBodies;
import dev.berth.relay.web.RelayException;
import dev.berth.relay.web.SocketRefusals;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Terminals of a session. The WebSocket of a terminal carries its bytes as binary frames both ways, and JSON
 * control messages as text frames: {@code resize} (and {@code input}, text to type) from the client;
 * {@code exit} and {@code error} from the relay. A refused connection is closed with 4000 + the HTTP status of
 * the refusal (4401, 4404, 4409, 4429, ...); a viewer too slow for the output with 4408.
 */
@RestController
@RequestMapping("/api/v1/sessions/{sessionId}/terminals")
class TerminalController {

    private final SessionAccess access;
    private final Terminals terminals;
    private final Tickets tickets;
    private final JsonBodies bodies;
    private final JsonMapper json;
    private final ActivityReporter activity;
    private final WebSocketService webSockets = new HandshakeWebSocketService();

    TerminalController(SessionAccess access, Terminals terminals, Tickets tickets, JsonBodies bodies,
            JsonMapper json, ActivityReporter activity) {
        this.access = access;
        this.terminals = terminals;
        this.tickets = tickets;
        this.bodies = bodies;
        this.json = json;
        this.activity = activity;
    }

    /** A started terminal, with a ticket to connect to it. */
    record Opened(@JsonUnwrapped TerminalView terminal, String ticket, Instant ticketExpiresAt) {
    }

    @PostMapping
    Mono<ResponseEntity<Opened>> start(@PathVariable UUID sessionId, @RequestParam(required = false) String container,
            @RequestBody(required = false) Mono<String> body, Authentication authentication) {
        Caller caller = Caller.of(authentication);
        return access.running(caller, sessionId, container).flatMap(session -> bodies.read(body)
                .map(TerminalRequest::parse)
                .switchIfEmpty(Mono.fromSupplier(() -> TerminalRequest.parse(null)))
                .flatMap(request -> terminals.start(session, request))
                .map(view -> {
                    Tickets.Ticket ticket = tickets.issue(caller.id(), caller.admin(), sessionId, purpose(view.id()));
                    return ResponseEntity.created(URI.create(view.links().self()))
                            .body(new Opened(view, ticket.ticket(), ticket.expiresAt()));
                }));
    }

    @GetMapping
    Mono<List<TerminalView>> list(@PathVariable UUID sessionId, Authentication authentication) {
        return access.running(Caller.of(authentication), sessionId).map(session -> terminals.list(session.id()));
    }

    @GetMapping("/{terminalId}")
    Mono<TerminalView> get(@PathVariable UUID sessionId, @PathVariable String terminalId,
            Authentication authentication) {
        return access.running(Caller.of(authentication), sessionId)
                .map(session -> terminal(session.id(), terminalId).view());
    }

    /** Ends a running terminal (202, it ends shortly) or forgets an ended one (204). */
    @DeleteMapping("/{terminalId}")
    Mono<ResponseEntity<TerminalView>> delete(@PathVariable UUID sessionId, @PathVariable String terminalId,
            Authentication authentication) {
        return access.running(Caller.of(authentication), sessionId)
                .map(session -> terminals.delete(session.id(), terminalId)
                        .map(view -> view.status() == TerminalView.Status.RUNNING
                                ? ResponseEntity.accepted().body(view)
                                : ResponseEntity.noContent().<TerminalView>build())
                        .orElseThrow(() -> RelayException.notFound("Terminal " + terminalId)));
    }

    /** A fresh ticket to (re)connect: single use, for this terminal only, valid for a minute at most. */
    @PostMapping("/{terminalId}/ticket")
    Mono<Tickets.Ticket> ticket(@PathVariable UUID sessionId, @PathVariable String terminalId,
            Authentication authentication) {
        Caller caller = Caller.of(authentication);
        return access.running(caller, sessionId)
                .map(session -> tickets.issue(caller.id(), caller.admin(), session.id(),
                        purpose(terminal(session.id(), terminalId).id())));
    }

    @GetMapping(path = "/{terminalId}/ws", headers = "Upgrade")
    Mono<Void> connect(@PathVariable UUID sessionId, @PathVariable String terminalId,
            @RequestParam(required = false) String ticket, ServerWebExchange exchange) {
        Mono<Terminal> terminal = tickets.caller(exchange, sessionId, ticket, purpose(terminalId))
                .flatMap(caller -> access.running(caller, sessionId))
                .map(session -> terminal(session.id(), terminalId));
        return webSockets.handleRequest(exchange, socket -> terminal
                .flatMap(found -> attach(socket, found))
                .onErrorResume(error -> socket.close(SocketRefusals.closeStatus(error, "The terminal failed"))));
    }

    @GetMapping("/{terminalId}/ws")
    Mono<Void> notWebSocket(@PathVariable String terminalId) {
        return Mono.error(() -> RelayException.invalid("Upgrade", "is missing: open this address as a WebSocket, "
                + "with ?ticket= from POST .../terminals/" + terminalId + "/ticket"));
    }

    /** Serves one connection: the terminal's output out, the client's input and control messages in. */
    private Mono<Void> attach(WebSocketSession socket, Terminal terminal) {
        Viewer viewer = terminal.attach();
        // one frame at a time, each once the one before is written: what the shell writes meanwhile gathers
        // into the next frame, so a busy connection gets few large frames and an idle one every byte at once
        Mono<Void> output = viewer.outbound()
                .concatMap(out -> socket.send(Mono.just(out.bytes() != null
                        ? socket.binaryMessage(factory -> factory.wrap(out.bytes()))
                        : socket.textMessage(out.control()))), 0)
                .then(Mono.defer(() -> socket.close(viewer.closeStatus())))
                .onErrorComplete();
        Mono<Void> input = socket.receive()
                .concatMap(message -> received(terminal, viewer, message))
                .onErrorComplete()
                // the client is gone: stop sending to it
                .then(Mono.fromRunnable(() -> viewer.finish(CloseStatus.NORMAL, null)));
        return Mono.when(output, input).doFinally(signal -> terminals.detach(terminal, viewer));
    }

    private Mono<Void> received(Terminal terminal, Viewer viewer, WebSocketMessage message) {
        return switch (message.getType()) {
            case BINARY -> {
                byte[] bytes = new byte[message.getPayload().readableByteCount()];
                message.getPayload().read(bytes);
                activity.used(terminal.sessionId());
                yield terminal.input().offer(bytes);
            }
            case TEXT -> control(terminal, viewer, message.getPayloadAsText());
            case PING, PONG -> Mono.empty();
        };
    }

    /** A control message; a bad one is answered with an error message, the connection stays. */
    private Mono<Void> control(Terminal terminal, Viewer viewer, String text) {
        try {
            JsonNode message = json.readTree(text);
            String type = message.path("type").asString("");
            switch (type) {
                case "resize" -> {
                    return terminals.resize(terminal, TerminalRequest.size(message.get("cols"), "cols", -1),
                            TerminalRequest.size(message.get("rows"), "rows", -1));
                }
                case "input" -> {
                    JsonNode data = message.get("data");
                    if (data == null || !data.isString()) {
                        throw RelayException.invalid("data", "must be the text to type");
                    }
                    activity.used(terminal.sessionId());
                    return terminal.input().offer(data.stringValue().getBytes(StandardCharsets.UTF_8));
                }
                default -> throw RelayException.invalid("type", "must be resize or input (output and typing go "
                        + "in binary frames)");
            }
        } catch (JacksonException e) {
            viewer.control(error("invalid-request", "A text frame must be a JSON control message: "
                    + e.getOriginalMessage()));
        } catch (RelayException e) {
            viewer.control(error(e.slug(), e.getMessage()));
        }
        return Mono.empty();
    }

    private String error(String reason, String message) {
        return json.writeValueAsString(Map.of("type", "error", "reason", reason, "message", message));
    }

    private Terminal terminal(UUID sessionId, String terminalId) {
        return terminals.find(sessionId, terminalId)
                .orElseThrow(() -> RelayException.notFound("Terminal " + terminalId));
    }

    private static String purpose(String terminalId) {
        return "terminal:" + terminalId;
    }
}
