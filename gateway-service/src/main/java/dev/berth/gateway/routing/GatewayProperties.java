package dev.berth.gateway.routing;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Where the services behind the gateway live and how long the gateway waits for them.
 *
 * @param sessionServiceUri base URI of session-service
 * @param placementCacheTtl how long the gateway reuses session-service's answer to where a session lives
 * @param connectTimeout    how long to wait for a connection to a service
 * @param responseTimeout   how long to wait for a service to start answering an API call (not for event streams)
 * @param maxRequestBody    largest request body accepted on the API
 */
@ConfigurationProperties("berth.gateway")
public record GatewayProperties(
        @DefaultValue("http://127.0.0.1:8081") URI sessionServiceUri,
        @DefaultValue("2s") Duration placementCacheTtl,
        @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("30s") Duration responseTimeout,
        @DefaultValue("1MB") DataSize maxRequestBody) {
}
