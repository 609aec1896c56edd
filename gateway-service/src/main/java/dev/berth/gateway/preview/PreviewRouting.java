package dev.berth.gateway.preview;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverter;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;

import dev.berth.contracts.PublishedPort;
import dev.berth.contracts.SessionStatus;
import dev.berth.gateway.activity.ActivityReporter;
import dev.berth.gateway.routing.Placement;
import dev.berth.gateway.routing.SessionPlacements;
import dev.berth.gateway.web.Problems;
import reactor.core.publisher.Mono;

/**
 * Lets only the session's owner (or an admin) through to the app on a session port, and sends the request to that
 * port as published on the session's node. Who is let in: a Berth bearer token (API clients), or the preview
 * cookie a browser gets by opening a preview link with a ticket. Berth's credentials never reach the app.
 */
@Component
public class PreviewRouting implements GatewayFilter, Ordered {

    public static final String COOKIE = "berth_preview";
    public static final String TICKET_PARAMETER = "berth-ticket";
    /** Exchange attribute holding the {@link PreviewAddress} of a preview request. */
    public static final String ADDRESS = PreviewRouting.class.getName() + ".address";
    private static final String ADMIN_AUTHORITY = "ROLE_ADMIN";

    private final PreviewProperties properties;
    private final PreviewTokens tokens;
    private final PreviewPages pages;
    private final SessionPlacements placements;
    private final ReactiveJwtDecoder jwtDecoder;
    private final ReactiveJwtAuthenticationConverter jwtConverter;
    private final ActivityReporter activity;

    public PreviewRouting(PreviewProperties properties, PreviewTokens tokens, PreviewPages pages,
            SessionPlacements placements, ReactiveJwtDecoder jwtDecoder,
            ReactiveJwtAuthenticationConverter jwtConverter, ActivityReporter activity) {
        this.properties = properties;
        this.tokens = tokens;
        this.pages = pages;
        this.placements = placements;
        this.jwtDecoder = jwtDecoder;
        this.jwtConverter = jwtConverter;
        this.activity = activity;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        PreviewAddress preview = PreviewAddress.of(exchange.getRequest(), properties.domain());
        if (preview == null) {
            return pages.refuse(exchange, HttpStatus.NOT_FOUND, Problems.NOT_FOUND, "Not found", "No preview here");
        }
        exchange.getAttributes().put(ADDRESS, preview);
        String ticket = exchange.getRequest().getQueryParams().getFirst(TICKET_PARAMETER);
        if (ticket != null) {
            return openWithTicket(exchange, preview, ticket);
        }
        return bearer(exchange.getRequest())
                .map(holder -> new Visitor(holder, true))
                .switchIfEmpty(Mono.justOrEmpty(cookie(exchange.getRequest(), preview)).map(h -> new Visitor(h, false)))
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(visitor -> visitor.isEmpty()
                        ? pages.refuse(exchange, HttpStatus.UNAUTHORIZED, Problems.UNAUTHORIZED, "Sign-in needed",
                                "Open this preview from Berth (it gives your browser a preview link), or send a "
                                        + "bearer token")
                        : placements.find(preview.sessionId())
                                .filter(placement -> mayAccess(visitor.get().holder(), placement))
                                .map(Optional::of).defaultIfEmpty(Optional.empty())
                                .flatMap(placement -> placement.isEmpty() ? missing(exchange, preview)
                                        : route(exchange, chain, preview, placement.get(), visitor.get())));
    }

    private Mono<Void> route(ServerWebExchange exchange, GatewayFilterChain chain, PreviewAddress preview,
            Placement placement, Visitor visitor) {
        if (placement.status() != SessionStatus.RUNNING) {
            return pages.refuse(exchange, HttpStatus.NOT_FOUND, Problems.SESSION_NOT_RUNNING, "Session not running",
                    "Session " + preview.sessionId() + " is " + placement.status());
        }
        Optional<PublishedPort> port = published(placement, preview.port());
        if (port.isEmpty()) {
            return pages.refuse(exchange, HttpStatus.NOT_FOUND, Problems.NOT_FOUND, "Port not published",
                    "Session " + preview.sessionId() + " has no preview on port " + preview.port() + "; it has "
                            + placement.containers().stream().flatMap(c -> c.ports().stream())
                                    .map(PublishedPort::containerPort).toList());
        }
        ServerHttpRequest request = exchange.getRequest();
        String path = request.getPath().value().substring(preview.prefix().length());
        URI target = UriComponentsBuilder.fromUri(request.getURI()).scheme("http").host(port.get().hostIp())
                .port(port.get().hostPort()).replacePath(path.isEmpty() ? "/" : path).build(true).toUri();
        ServerHttpRequest forwarded = request.mutate().headers(headers -> {
            if (visitor.bearer()) {
                headers.remove(HttpHeaders.AUTHORIZATION);
            }
            withoutPreviewCookie(headers);
        }).build();
        exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, target);
        exchange.getAttributes().put(ServerWebExchangeUtils.PRESERVE_HOST_HEADER_ATTRIBUTE, true);
        activity.used(preview.sessionId());
        return chain.filter(exchange.mutate().request(forwarded).build());
    }

    /** A preview link: its ticket becomes a cookie for this preview, and the browser goes on to the app. */
    private Mono<Void> openWithTicket(ServerWebExchange exchange, PreviewAddress preview, String ticket) {
        Optional<PreviewTokens.Holder> holder = tokens.verify(PreviewTokens.Kind.TICKET, ticket, preview);
        if (holder.isEmpty()) {
            return pages.refuse(exchange, HttpStatus.UNAUTHORIZED, Problems.UNAUTHORIZED, "Preview link expired",
                    "This preview link has expired or was used already; open the preview again from Berth");
        }
        return placements.find(preview.sessionId()).filter(placement -> mayAccess(holder.get(), placement))
                .map(Optional::of).defaultIfEmpty(Optional.empty())
                .flatMap(placement -> {
                    if (placement.isEmpty()) {
                        return missing(exchange, preview);
                    }
                    var response = exchange.getResponse();
                    response.addCookie(ResponseCookie.from(COOKIE,
                            tokens.issue(PreviewTokens.Kind.COOKIE, preview, holder.get(), properties.cookieLifetime()))
                            .httpOnly(true).sameSite("Lax").secure("https".equals(exchange.getRequest().getURI()
                                    .getScheme()))
                            .path(preview.hostBased() ? "/" : preview.prefix() + "/")
                            .maxAge(properties.cookieLifetime()).build());
                    response.setStatusCode(HttpStatus.SEE_OTHER);
                    response.getHeaders().setLocation(UriComponentsBuilder.fromUri(exchange.getRequest().getURI())
                            .replaceQueryParam(TICKET_PARAMETER).build(true).toUri());
                    response.getHeaders().setCacheControl("no-store");
                    return response.setComplete();
                });
    }

    private Mono<Void> missing(ServerWebExchange exchange, PreviewAddress preview) {
        return pages.refuse(exchange, HttpStatus.NOT_FOUND, Problems.NOT_FOUND, "Not found",
                "Session " + preview.sessionId() + " does not exist");
    }

    /** The caller of a Berth bearer token; empty without one, or when the header holds something else (the app's). */
    private Mono<PreviewTokens.Holder> bearer(ServerHttpRequest request) {
        String header = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Mono.empty();
        }
        return jwtDecoder.decode(header.substring(7).trim()).flatMap(jwtConverter::convert)
                .map(authentication -> new PreviewTokens.Holder(authentication.getName(), isAdmin(authentication)))
                .onErrorResume(e -> Mono.empty());
    }

    private Optional<PreviewTokens.Holder> cookie(ServerHttpRequest request, PreviewAddress preview) {
        List<HttpCookie> cookies = request.getCookies().getOrDefault(COOKIE, List.of());
        return cookies.stream().map(cookie -> tokens.verify(PreviewTokens.Kind.COOKIE, cookie.getValue(), preview))
                .flatMap(Optional::stream).findFirst();
    }

    private static void withoutPreviewCookie(HttpHeaders headers) {
        List<String> cookies = headers.get(HttpHeaders.COOKIE);
        if (cookies == null) {
            return;
        }
        List<String> kept = cookies.stream().flatMap(line -> java.util.Arrays.stream(line.split(";")))
                .map(String::trim).filter(cookie -> !cookie.isEmpty() && !cookie.startsWith(COOKIE + "="))
                .toList();
        if (kept.isEmpty()) {
            headers.remove(HttpHeaders.COOKIE);
        } else {
            headers.set(HttpHeaders.COOKIE, String.join("; ", kept));
        }
    }

    static Optional<PublishedPort> published(Placement placement, int port) {
        return placement.containers().stream().flatMap(container -> container.ports().stream())
                .filter(published -> published.containerPort() == port).findFirst();
    }

    private static boolean mayAccess(PreviewTokens.Holder holder, Placement placement) {
        return holder.admin() || holder.owner().equals(placement.owner());
    }

    private static boolean isAdmin(AbstractAuthenticationToken authentication) {
        return authentication.getAuthorities().stream()
                .anyMatch(authority -> ADMIN_AUTHORITY.equals(authority.getAuthority()));
    }

    @Override
    public int getOrder() {
        return RouteToRequestUrlFilter.ROUTE_TO_URL_FILTER_ORDER + 1;
    }

    private record Visitor(PreviewTokens.Holder holder, boolean bearer) {
    }
}
