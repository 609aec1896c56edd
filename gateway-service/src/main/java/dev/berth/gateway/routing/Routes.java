package dev.berth.gateway.routing;

import static org.springframework.cloud.gateway.support.RouteMetadataUtils.CONNECT_TIMEOUT_ATTR;
import static org.springframework.cloud.gateway.support.RouteMetadataUtils.RESPONSE_TIMEOUT_ATTR;

import java.util.UUID;

import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.web.server.ServerWebExchange;

import dev.berth.gateway.preview.PreviewAddress;
import dev.berth.gateway.preview.PreviewProperties;
import dev.berth.gateway.preview.PreviewRouting;

/** The public API and the service that answers each part of it. */
@Configuration(proxyBeanMethods = false)
public class Routes {

    /** Route metadata naming the service behind a route, for the problems the gateway writes about it. */
    public static final String SERVICE = "berth-service";

    /** Route metadata: request bodies on this route are limited to {@code berth.gateway.max-request-body}. */
    public static final String BODY_LIMITED = "berth-body-limited";
    public static final String PREVIEW = "preview";

    /** What the relay of a session's node serves. */
    public static final String[] RELAY_PATHS = {"/api/v1/sessions/{id}/terminals",
        "/api/v1/sessions/{id}/terminals/**", "/api/v1/sessions/{id}/logs", "/api/v1/sessions/{id}/logs/**",
        "/api/v1/sessions/{id}/exec", "/api/v1/sessions/{id}/processes", "/api/v1/sessions/{id}/processes/**"};

    /** A session's files, also served by the relay of its node; their bodies are as large as the files. */
    public static final String[] FILES_PATHS = {"/api/v1/sessions/{id}/files", "/api/v1/sessions/{id}/files/**"};

    private static final String SESSION_SERVICE = "session-service";

    @Bean
    RouteLocator apiRoutes(RouteLocatorBuilder builder, GatewayProperties properties, RelayOfSession relayOfSession,
            SessionPlacements placements, PreviewRouting previewRouting, PreviewProperties preview) {
        String sessions = properties.sessionServiceUri().toString();
        int connectTimeout = Math.toIntExact(properties.connectTimeout().toMillis());
        long responseTimeout = properties.responseTimeout().toMillis();
        return builder.routes()
                // A preview: every request to {session}-{port}.<domain>, and /preview/{session}/{port}/**, goes to
                // the app on that port of the session; first, so that an app's own /api paths stay the app's.
                .route(PREVIEW, route -> route.order(-10)
                        .predicate(exchange -> PreviewAddress.of(exchange.getRequest(), preview.domain()) != null)
                        .filters(filters -> filters.filter(previewRouting))
                        .metadata(SERVICE, "The session's app")
                        .metadata(CONNECT_TIMEOUT_ATTR, connectTimeout)
                        .metadata(RESPONSE_TIMEOUT_ATTR, -1)
                        .uri("http://preview.invalid")) // replaced per request by PreviewRouting
                // An event stream stays open as long as the client listens: no response timeout.
                .route("session-events", route -> route.order(-1)
                        .path("/api/v1/sessions/events").and().method(HttpMethod.GET)
                        .metadata(SERVICE, SESSION_SERVICE)
                        .metadata(CONNECT_TIMEOUT_ATTR, connectTimeout)
                        .metadata(RESPONSE_TIMEOUT_ATTR, -1)
                        .uri(sessions))
                // Files: the relay of the session's node, with bodies streamed through unlimited (the relay has
                // its own limits) and no response timeout, so a large upload or download is never cut.
                .route("relay-files", route -> route.order(-2)
                        .path(FILES_PATHS)
                        .filters(filters -> filters.filter(relayOfSession))
                        .metadata(SERVICE, "The terminal relay")
                        .metadata(CONNECT_TIMEOUT_ATTR, connectTimeout)
                        .metadata(RESPONSE_TIMEOUT_ATTR, -1)
                        .uri("http://relay.invalid")) // replaced per request by RelayOfSession
                // Terminals, logs and processes: the relay of the session's node; streams stay open.
                .route("relay", route -> route.order(-1)
                        .path(RELAY_PATHS)
                        .filters(filters -> filters.filter(relayOfSession))
                        .metadata(SERVICE, "The terminal relay")
                        .metadata(BODY_LIMITED, true)
                        .metadata(CONNECT_TIMEOUT_ATTR, connectTimeout)
                        .metadata(RESPONSE_TIMEOUT_ATTR, -1)
                        .uri("http://relay.invalid")) // replaced per request by RelayOfSession
                .route("sessions", route -> route
                        .path("/api/v1/sessions", "/api/v1/sessions/**", "/api/v1/nodes", "/api/v1/nodes/**",
                                "/api/v1/images", "/api/v1/templates", "/api/v1/usage")
                        .filters(filters -> filters.filter((exchange, chain) -> {
                            forgetChanged(exchange, placements);
                            return chain.filter(exchange);
                        }))
                        .metadata(SERVICE, SESSION_SERVICE)
                        .metadata(BODY_LIMITED, true)
                        .metadata(CONNECT_TIMEOUT_ATTR, connectTimeout)
                        .metadata(RESPONSE_TIMEOUT_ATTR, responseTimeout)
                        .uri(sessions))
                .route("openapi", route -> route
                        .path("/api/v1/openapi.json").and().method(HttpMethod.GET)
                        .filters(filters -> filters.setPath("/v3/api-docs"))
                        .metadata(SERVICE, SESSION_SERVICE)
                        .metadata(CONNECT_TIMEOUT_ATTR, connectTimeout)
                        .metadata(RESPONSE_TIMEOUT_ATTR, responseTimeout)
                        .uri(sessions))
                .build();
    }

    /**
     * A session changed through the gateway (deleted, stopped, started) is looked up again on its next request: a
     * deleted one stops being routed at once, and one started again is reached on its new ports.
     */
    private static void forgetChanged(ServerWebExchange exchange, SessionPlacements placements) {
        if (exchange.getRequest().getMethod() == HttpMethod.GET) {
            return;
        }
        String path = exchange.getRequest().getPath().value();
        if (path.equals("/api/v1/sessions") && exchange.getRequest().getMethod() == HttpMethod.DELETE) {
            placements.forgetAll();
        } else if (path.startsWith("/api/v1/sessions/")) {
            String rest = path.substring("/api/v1/sessions/".length());
            int slash = rest.indexOf('/');
            try {
                placements.forget(UUID.fromString(slash < 0 ? rest : rest.substring(0, slash)));
            } catch (IllegalArgumentException e) {
                // not a session id: nothing to forget
            }
        }
    }
}
