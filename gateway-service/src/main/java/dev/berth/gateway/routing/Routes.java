package dev.berth.gateway.routing;

import static org.springframework.cloud.gateway.support.RouteMetadataUtils.CONNECT_TIMEOUT_ATTR;
import static org.springframework.cloud.gateway.support.RouteMetadataUtils.RESPONSE_TIMEOUT_ATTR;

import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;

/** The public API and the service that answers each part of it. */
@Configuration(proxyBeanMethods = false)
public class Routes {

    /** Route metadata naming the service behind a route, for the problems the gateway writes about it. */
    public static final String SERVICE = "berth-service";

    private static final String SESSION_SERVICE = "session-service";

    @Bean
    RouteLocator apiRoutes(RouteLocatorBuilder builder, GatewayProperties properties) {
        String sessions = properties.sessionServiceUri().toString();
        int connectTimeout = Math.toIntExact(properties.connectTimeout().toMillis());
        long responseTimeout = properties.responseTimeout().toMillis();
        return builder.routes()
                // An event stream stays open as long as the client listens: no response timeout.
                .route("session-events", route -> route.order(-1)
                        .path("/api/v1/sessions/events").and().method(HttpMethod.GET)
                        .metadata(SERVICE, SESSION_SERVICE)
                        .metadata(CONNECT_TIMEOUT_ATTR, connectTimeout)
                        .metadata(RESPONSE_TIMEOUT_ATTR, -1)
                        .uri(sessions))
                .route("sessions", route -> route
                        .path("/api/v1/sessions", "/api/v1/sessions/**", "/api/v1/nodes", "/api/v1/nodes/**")
                        .metadata(SERVICE, SESSION_SERVICE)
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
}
