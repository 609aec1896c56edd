package dev.berth.gateway.preview;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.util.UriComponentsBuilder;

import dev.berth.contracts.SessionStatus;
import dev.berth.gateway.routing.Placement;
import dev.berth.gateway.routing.SessionPlacements;
import reactor.core.publisher.Mono;

/**
 * {@code POST /api/v1/sessions/{id}/previews/{port}/ticket}: for a browser, a preview link with a short-lived,
 * single-use ticket; opening it sets a cookie for that preview only and goes on to the app.
 */
@Configuration(proxyBeanMethods = false)
public class PreviewTickets {

    /** What a browser opens: the host-based and the path-based address of the preview, each with a ticket. */
    public record PreviewLink(String ticket, Instant expiresAt, String url, String pathUrl) {
    }

    @Bean
    RouterFunction<ServerResponse> previewTicketRoute(SessionPlacements placements, PreviewTokens tokens,
            PreviewProperties properties, Clock clock) {
        return RouterFunctions.route(RequestPredicates.POST("/api/v1/sessions/{id}/previews/{port}/ticket")
                .and(request -> PreviewAddress.of(request.exchange().getRequest(), properties.domain()) == null),
                request -> request.principal().cast(Authentication.class)
                        .flatMap(caller -> issue(request, caller, placements, tokens, properties, clock)));
    }

    private static Mono<ServerResponse> issue(ServerRequest request, Authentication caller,
            SessionPlacements placements, PreviewTokens tokens, PreviewProperties properties, Clock clock) {
        UUID sessionId = uuid(request.pathVariable("id"));
        int port = port(request.pathVariable("port"));
        boolean admin = caller.getAuthorities().stream().anyMatch(a -> "ROLE_ADMIN".equals(a.getAuthority()));
        return placements.find(sessionId).filter(placement -> admin || caller.getName().equals(placement.owner()))
                .switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.NOT_FOUND)))
                .flatMap(placement -> {
                    check(placement, port);
                    PreviewAddress preview = new PreviewAddress(sessionId, port, "");
                    String ticket = tokens.issue(PreviewTokens.Kind.TICKET, preview,
                            new PreviewTokens.Holder(caller.getName(), admin), properties.ticketLifetime());
                    URI requested = request.uri();
                    String url = UriComponentsBuilder.fromUri(requested)
                            .host(sessionId + "-" + port + "." + properties.domain()).replacePath("/")
                            .replaceQuery(null).queryParam(PreviewRouting.TICKET_PARAMETER, ticket).build(true)
                            .toUriString();
                    String pathUrl = UriComponentsBuilder.fromUri(requested)
                            .replacePath("/preview/" + sessionId + "/" + port + "/").replaceQuery(null)
                            .queryParam(PreviewRouting.TICKET_PARAMETER, ticket).build(true).toUriString();
                    return ServerResponse.status(HttpStatus.CREATED).bodyValue(new PreviewLink(ticket,
                            clock.instant().plus(properties.ticketLifetime()), url, pathUrl));
                });
    }

    private static void check(Placement placement, int port) {
        if (placement.status() != SessionStatus.RUNNING) {
            throw new ResponseStatusException(HttpStatus.CONFLICT,
                    "Session " + placement.id() + " is " + placement.status() + "; previews need it RUNNING");
        }
        if (PreviewRouting.published(placement, port).isEmpty()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "port " + port
                    + " is not a preview port of session " + placement.id());
        }
    }

    private static UUID uuid(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "id must be a session id (a UUID)");
        }
    }

    private static int port(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "port must be a number from 1 to 65535");
    }
}
