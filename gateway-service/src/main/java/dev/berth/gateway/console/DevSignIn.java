package dev.berth.gateway.console;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ResponseStatusException;

import dev.berth.gateway.security.JwtProperties;
import reactor.core.publisher.Mono;

/**
 * Development sign-in, for the console's one-click button: {@code POST /api/v1/dev/token} with
 * {@code {"owner": "...", "admin": false}} answers an HS256 token signed with the development secret
 * ({@code berth.security.jwt.secret}), as {@code infra/dev token} mints them. Only with
 * {@code berth.gateway.dev-sign-in=true}, which no production gateway sets: anyone who reaches it gets a token for
 * any owner.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(DevSignIn.PROPERTY)
public class DevSignIn {

    public static final String PROPERTY = "berth.gateway.dev-sign-in";
    static final String PATH = "/api/v1/dev/token";
    static final Duration LIFETIME = Duration.ofHours(12);
    private static final int MAX_OWNER_LENGTH = 128;
    private static final Logger log = LoggerFactory.getLogger(DevSignIn.class);

    public record TokenRequest(String owner, Boolean admin) {
    }

    public record TokenResponse(String token, String owner, boolean admin, Instant expiresAt) {
    }

    /** The token endpoint needs no token. */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 1)
    SecurityWebFilterChain devSignInSecurity(ServerHttpSecurity http) {
        return http.securityMatcher(ServerWebExchangeMatchers.pathMatchers(HttpMethod.POST, PATH))
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .authorizeExchange(exchanges -> exchanges.anyExchange().permitAll())
                .build();
    }

    @Bean
    RouterFunction<ServerResponse> devTokenRoute(JwtProperties jwt, Clock clock) {
        if (jwt.secret() == null || jwt.secret().isBlank()) {
            throw new IllegalStateException(PROPERTY + "=true needs berth.security.jwt.secret: development tokens "
                    + "are signed with that HMAC secret. Turn development sign-in off where tokens come from an "
                    + "OpenID provider.");
        }
        byte[] key = jwt.secret().getBytes(StandardCharsets.UTF_8);
        if (key.length < 32) {
            throw new IllegalStateException("berth.security.jwt.secret must be at least 32 bytes long");
        }
        JwtEncoder encoder = NimbusJwtEncoder.withSecretKey(new SecretKeySpec(key, "HmacSHA256"))
                .algorithm(MacAlgorithm.HS256).build();
        log.warn("Development sign-in is on ({}=true): POST {} gives anyone a token for any owner. "
                + "Never turn it on where others can reach the gateway.", PROPERTY, PATH);
        return RouterFunctions.route(RequestPredicates.POST(PATH), request -> request.bodyToMono(TokenRequest.class)
                .switchIfEmpty(Mono.error(() -> invalid("Send a JSON body: {\"owner\": \"dev\"}")))
                .map(body -> mint(encoder, jwt, clock, body))
                .flatMap(token -> ServerResponse.status(HttpStatus.CREATED).bodyValue(token)));
    }

    private static TokenResponse mint(JwtEncoder encoder, JwtProperties jwt, Clock clock, TokenRequest request) {
        String owner = request.owner() == null ? "" : request.owner().trim();
        if (owner.isEmpty()) {
            throw invalid("owner is missing: name who signs in, for example \"dev\"");
        }
        if (owner.length() > MAX_OWNER_LENGTH || owner.chars().anyMatch(Character::isISOControl)) {
            throw invalid("owner must be at most " + MAX_OWNER_LENGTH + " characters, without control characters");
        }
        boolean admin = Boolean.TRUE.equals(request.admin());
        Instant now = clock.instant();
        Instant expiresAt = now.plus(LIFETIME);
        JwtClaimsSet claims = JwtClaimsSet.builder().subject(owner).issuedAt(now).expiresAt(expiresAt)
                .claim(jwt.rolesClaim(), admin ? List.of(jwt.adminRole()) : List.of()).build();
        String token = encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).type("JWT").build(),
                claims)).getTokenValue();
        return new TokenResponse(token, owner, admin, expiresAt);
    }

    private static ResponseStatusException invalid(String reason) {
        return new ResponseStatusException(HttpStatus.BAD_REQUEST, reason);
    }
}
