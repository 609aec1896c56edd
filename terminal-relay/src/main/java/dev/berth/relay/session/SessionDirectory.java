package dev.berth.relay.session;

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

import dev.berth.contracts.SessionStatus;
import dev.berth.relay.web.Problems;
import dev.berth.relay.web.RelayException;
import reactor.core.publisher.Mono;

/**
 * Asks session-service who owns a session and where it lives ({@code /internal/v1/sessions/{id}}, with the
 * internal token {@code berth.internal.token}), and keeps each answer briefly.
 */
@Component
public class SessionDirectory {

    static final String INTERNAL_TOKEN_HEADER = "X-Berth-Internal-Token";

    private final WebClient client;
    private final Duration ttl;
    private final Map<UUID, Cached> cache = new ConcurrentHashMap<>();

    public SessionDirectory(WebClient.Builder builder, RelayProperties properties,
            @Value("${berth.internal.token:}") String internalToken) {
        this.client = builder.baseUrl(properties.sessionServiceUri().toString())
                .defaultHeader(INTERNAL_TOKEN_HEADER, internalToken).build();
        this.ttl = properties.placementCacheTtl();
    }

    /** The session's placement; empty when session-service knows no such session. */
    public Mono<Placement> find(UUID sessionId) {
        Cached cached = cache.get(sessionId);
        if (cached != null && cached.fresh()) {
            return Mono.justOrEmpty(cached.placement());
        }
        return client.get().uri("/internal/v1/sessions/{id}", sessionId).retrieve().bodyToMono(Placement.class)
                .timeout(Duration.ofSeconds(5))
                .onErrorResume(WebClientResponseException.NotFound.class, e -> Mono.empty())
                .onErrorMap(e -> !(e instanceof RelayException),
                        e -> new RelayException(HttpStatus.SERVICE_UNAVAILABLE, Problems.SERVICE_UNAVAILABLE,
                                "Service unavailable", "session-service did not answer; try again shortly"))
                .doOnNext(placement -> remember(sessionId, placement))
                .switchIfEmpty(Mono.fromRunnable(() -> remember(sessionId, null)));
    }

    /**
     * Keeps a running session's placement, or that there is no such session; a session in any other state is asked
     * about again on its next request, so it is served as soon as it runs again.
     */
    private void remember(UUID sessionId, Placement placement) {
        if (placement == null || placement.status() == SessionStatus.RUNNING) {
            cache.put(sessionId, new Cached(placement, System.nanoTime() + ttl.toNanos()));
        } else {
            cache.remove(sessionId);
        }
    }

    @Scheduled(fixedDelay = 60_000)
    void forgetStale() {
        cache.values().removeIf(cached -> !cached.fresh());
    }

    private record Cached(Placement placement, long expiresAtNanos) {

        boolean fresh() {
            return System.nanoTime() < expiresAtNanos;
        }
    }
}
