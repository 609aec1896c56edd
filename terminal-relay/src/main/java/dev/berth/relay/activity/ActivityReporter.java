package dev.berth.relay.activity;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

import dev.berth.relay.session.RelayProperties;

/**
 * Tells session-service which sessions were used here (terminals, commands, logs), for the idle timeout: session
 * ids gathered in memory and sent as one batch every few seconds, never per keystroke.
 */
@Component
public class ActivityReporter {

    private static final Logger log = LoggerFactory.getLogger(ActivityReporter.class);

    private final Set<UUID> used = ConcurrentHashMap.newKeySet();
    private final WebClient client;

    public ActivityReporter(WebClient.Builder builder, RelayProperties properties,
            @Value("${berth.internal.token:}") String internalToken) {
        this.client = builder.baseUrl(properties.sessionServiceUri().toString())
                .defaultHeader("X-Berth-Internal-Token", internalToken).build();
    }

    public void used(UUID sessionId) {
        used.add(sessionId);
    }

    @Scheduled(fixedDelayString = "${berth.relay.activity-interval:15s}")
    void report() {
        if (used.isEmpty()) {
            return;
        }
        List<UUID> batch = new ArrayList<>(used);
        used.removeAll(batch);
        client.post().uri("/internal/v1/activity").bodyValue(Map.of("sessionIds", batch)).retrieve().toBodilessEntity()
                .timeout(Duration.ofSeconds(10))
                .doOnError(e -> {
                    log.debug("Could not report activity of {} sessions: {}", batch.size(), e.toString());
                    used.addAll(batch);
                })
                .onErrorComplete().subscribe();
    }
}
