package dev.berth.gateway.routing;

import java.net.URI;
import java.util.Optional;
import java.util.UUID;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import dev.berth.gateway.activity.ActivityReporter;
import dev.berth.gateway.web.Problems;
import reactor.core.publisher.Mono;

/**
 * Sends a request about a session's terminals, logs, processes and files to the terminal relay of the node that
 * holds the session, so every connection of a session lands on the one process that holds its streams.
 * A caller with a bearer token who does not own the session gets 404, like for a missing one; requests
 * with a ticket are checked by the relay.
 */
@Component
public class RelayOfSession implements GatewayFilter, Ordered {

    private static final PathPattern SESSION_PATH = PathPatternParser.defaultInstance
            .parse("/api/v1/sessions/{id}/**");
    private static final String ADMIN_AUTHORITY = "ROLE_ADMIN";

    private final SessionPlacements placements;
    private final Problems problems;
    private final ActivityReporter activity;

    public RelayOfSession(SessionPlacements placements, Problems problems, ActivityReporter activity) {
        this.placements = placements;
        this.problems = problems;
        this.activity = activity;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        PathPattern.PathMatchInfo match = SESSION_PATH.matchAndExtract(exchange.getRequest().getPath());
        UUID sessionId = match == null ? null : uuid(match.getUriVariables().get("id"));
        if (sessionId == null) {
            return notFound(exchange);
        }
        Mono<Authentication> caller = ReactiveSecurityContextHolder.getContext()
                .mapNotNull(SecurityContext::getAuthentication)
                .filter(authentication -> !(authentication instanceof AnonymousAuthenticationToken));
        return placements.find(sessionId)
                .filterWhen(placement -> caller.map(authentication -> mayAccess(authentication, placement))
                        .defaultIfEmpty(true))
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(placement -> placement.isPresent() ? route(exchange, chain, placement.get())
                        : notFound(exchange));
    }

    private Mono<Void> route(ServerWebExchange exchange, GatewayFilterChain chain, Placement placement) {
        if (placement.relayAddress() == null) {
            return problems.write(exchange, HttpStatus.CONFLICT, Problems.SESSION_NOT_RUNNING, "Session not running",
                    "Session " + placement.id() + " is " + placement.status() + "; this needs it RUNNING");
        }
        URI requested = exchange.getRequest().getURI();
        URI relay = URI.create(placement.relayAddress());
        URI target = UriComponentsBuilder.fromUri(requested).scheme(relay.getScheme()).host(relay.getHost())
                .port(relay.getPort()).build(true).toUri();
        exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, target);
        activity.used(placement.id());
        return chain.filter(exchange);
    }

    private Mono<Void> notFound(ServerWebExchange exchange) {
        return problems.write(exchange, HttpStatus.NOT_FOUND, Problems.NOT_FOUND, "Not found",
                "No session at " + exchange.getRequest().getPath());
    }

    private static boolean mayAccess(Authentication authentication, Placement placement) {
        return authentication.getName().equals(placement.owner()) || authentication.getAuthorities().stream()
                .anyMatch(authority -> ADMIN_AUTHORITY.equals(authority.getAuthority()));
    }

    private static UUID uuid(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** After the route's URI is applied, before the request is sent. */
    @Override
    public int getOrder() {
        return RouteToRequestUrlFilter.ROUTE_TO_URL_FILTER_ORDER + 1;
    }
}
