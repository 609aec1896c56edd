package dev.berth.relay.ticket;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.util.matcher.AndServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.OrServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

import dev.berth.relay.security.Caller;
import dev.berth.relay.web.Problems;
import dev.berth.relay.web.RelayException;
import reactor.core.publisher.Mono;

/**
 * Short-lived, single-use, single-purpose tickets for the connections a browser opens without headers
 * (WebSocket, event streams). A ticket is issued to a caller who showed a bearer token, names one session
 * and one purpose, and is redeemed on this relay: the gateway sends every connection of a session here.
 */
@Component
public class Tickets {

    /**
     * Requests that may present a ticket instead of a bearer token: a terminal's WebSocket, and the log and
     * process-output streams when they carry {@code ?ticket=}. Their handlers check it.
     */
    public static final ServerWebExchangeMatcher CARRIED = new OrServerWebExchangeMatcher(
            ServerWebExchangeMatchers.pathMatchers(HttpMethod.GET, "/api/v1/sessions/*/terminals/*/ws"),
            new AndServerWebExchangeMatcher(
                    ServerWebExchangeMatchers.pathMatchers(HttpMethod.GET, "/api/v1/sessions/*/logs",
                            "/api/v1/sessions/*/processes/*/output"),
                    exchange -> exchange.getRequest().getQueryParams().containsKey("ticket")
                            ? ServerWebExchangeMatcher.MatchResult.match()
                            : ServerWebExchangeMatcher.MatchResult.notMatch()));

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Grant> grants = new ConcurrentHashMap<>();
    private final Duration lifetime;
    private final Clock clock;

    public Tickets(@Value("${berth.tickets.lifetime:60s}") Duration lifetime, Clock clock) {
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("berth.tickets.lifetime must be between 1 ms and 1 minute");
        }
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /** A ticket for one purpose on one session, such as {@code terminal:<id>} or {@code logs}. */
    public Ticket issue(String owner, boolean admin, UUID sessionId, String purpose) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant expiresAt = clock.instant().plus(lifetime);
        grants.put(value, new Grant(owner, admin, sessionId, purpose, expiresAt));
        return new Ticket(value, expiresAt);
    }

    /** Uses up a ticket; answers its holder if it is valid for this session and purpose. */
    public Optional<Holder> redeem(String value, UUID sessionId, String purpose) {
        Grant grant = value == null ? null : grants.remove(value);
        if (grant == null || !grant.expiresAt().isAfter(clock.instant()) || !grant.sessionId().equals(sessionId)
                || !grant.purpose().equals(purpose)) {
            return Optional.empty();
        }
        return Optional.of(new Holder(grant.owner(), grant.admin()));
    }

    /**
     * Who makes a request that may carry a ticket: the holder of {@code ticket} when there is one (using it
     * up), else the bearer of the request's token.
     *
     * @return fails with 401 when the ticket is not valid for this session and purpose, or there is neither
     */
    public Mono<Caller> caller(ServerWebExchange exchange, UUID sessionId, String ticket, String purpose) {
        if (ticket == null) {
            return exchange.getPrincipal().cast(Authentication.class).map(Caller::of)
                    .switchIfEmpty(Mono.error(() -> unauthorized("Send a bearer token in the Authorization header, "
                            + "or a ticket in ?ticket=")));
        }
        return Mono.fromSupplier(() -> redeem(ticket, sessionId, purpose)
                .map(holder -> new Caller(holder.owner(), holder.admin()))
                .orElseThrow(() -> unauthorized("The ticket is not valid here: unknown, used, expired or for "
                        + "something else; ask for a new one")));
    }

    private static RelayException unauthorized(String detail) {
        return new RelayException(HttpStatus.UNAUTHORIZED, Problems.UNAUTHORIZED, "Unauthorized", detail);
    }

    @Scheduled(fixedDelay = 30_000)
    void forgetExpired() {
        Instant now = clock.instant();
        grants.values().removeIf(grant -> !grant.expiresAt().isAfter(now));
    }

    /** What a client gets: the value to send and when it stops working. */
    public record Ticket(String ticket, Instant expiresAt) {
    }

    /** Whom a redeemed ticket was issued to. */
    public record Holder(String owner, boolean admin) {
    }

    private record Grant(String owner, boolean admin, UUID sessionId, String purpose, Instant expiresAt) {
    }
}
