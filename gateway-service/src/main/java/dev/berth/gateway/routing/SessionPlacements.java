package dev.berth.gateway.routing;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import org.springframework.web.server.ResponseStatusException;

import dev.berth.contracts.SessionStatus;
import reactor.core.publisher.Mono;

/**
 * Where each session lives, learned from session-service ({@code /internal/v1/sessions/{id}} with the
 * internal token) and kept briefly while it runs. A session deleted, stopped or started through the gateway is
 * forgotten at once.
 */
@Component
public class SessionPlacements {

    static final String INTERNAL_TOKEN_HEADER = "X-Berth-Internal-Token";

    private final WebClient client;
    private final Duration ttl;
    private final Map<UUID, Cached> cache = new ConcurrentHashMap<>();

    public SessionPlacements(WebClient.Builder builder, GatewayProperties properties,
            @Value("${berth.internal.token:}") String internalToken) {
        this.client = builder.baseUrl(properties.sessionServiceUri().toString())
                .defaultHeader(INTERNAL_TOKEN_HEADER, internalToken).build();
        this.ttl = properties.placementCacheTtl();
    }

    /** The session's placement; empty when there is no such session. */
    public Mono<Placement> find(UUID sessionId) {
        Cached cached = cache.get(sessionId);
        if (cached != null && System.nanoTime() < cached.expiresAtNanos()) {
            return Mono.justOrEmpty(cached.placement());
        }
        return client.get().uri("/internal/v1/sessions/{id}", sessionId).retrieve().bodyToMono(Placement.class)
                .timeout(Duration.ofSeconds(5))
                .onErrorResume(WebClientResponseException.NotFound.class, e -> Mono.empty())
                .onErrorMap(e -> !(e instanceof ResponseStatusException),
                        e -> new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "session-service", e))
                .doOnNext(placement -> remember(sessionId, placement))
                .switchIfEmpty(Mono.fromRunnable(() -> remember(sessionId, null)));
    }

    public void forget(UUID sessionId) {
        cache.remove(sessionId);
    }

    public void forgetAll() {
        cache.clear();
    }

    @Scheduled(fixedDelay = 60_000)
    void forgetStale() {
        long now = System.nanoTime();
        cache.values().removeIf(cached -> now >= cached.expiresAtNanos());
    }

    /**
     * Keeps a running session's placement, or that there is no such session; a session in any other state is asked
     * about again on its next request, so it is routed as soon as it runs.
     */
    private void remember(UUID sessionId, Placement placement) {
        if (placement == null || placement.status() == SessionStatus.RUNNING) {
            cache.put(sessionId, new Cached(placement, System.nanoTime() + ttl.toNanos()));
        } else {
            cache.remove(sessionId);
        }
    }

    private record Cached(Placement placement, long expiresAtNanos) {
    }
}
