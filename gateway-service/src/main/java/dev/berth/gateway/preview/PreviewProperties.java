package dev.berth.gateway.preview;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Previews of the apps running in sessions.
 *
 * @param domain         previews answer at {@code {sessionId}-{port}.<domain>}, and at {@code /preview/{sessionId}/{port}/}
 * @param secret         signs preview tickets and cookies; set the same one on every gateway instance (when unset,
 *                       each gateway makes its own at start, and its cookies end with it)
 * @param ticketLifetime how long a preview link carrying a ticket can be opened
 * @param cookieLifetime how long a preview cookie lets its browser in
 */
@ConfigurationProperties("berth.gateway.preview")
public record PreviewProperties(@DefaultValue("preview.localhost") String domain, String secret,
        @DefaultValue("60s") Duration ticketLifetime, @DefaultValue("12h") Duration cookieLifetime) {
}
