package dev.berth.gateway.security;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;

import javax.crypto.spec.SecretKeySpec;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoders;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrorCodes;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverter;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.util.matcher.AndServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.OrServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;

import dev.berth.gateway.preview.PreviewAddress;
import dev.berth.gateway.preview.PreviewProperties;
import dev.berth.gateway.web.Problems;
import reactor.core.publisher.Flux;

/**
 * The gateway checks every API call's bearer JWT before routing it (the services check it again). Health and the
 * OpenAPI description are public, other actuator endpoints need the admin role, and everything outside
 * {@code /api} and {@code /actuator} is the static web console.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfig {

    /**
     * Requests that may present a ticket instead of a bearer token: a terminal's WebSocket, and the log and
     * process-output streams when they carry {@code ?ticket=}.
     */
    static final ServerWebExchangeMatcher TICKET_CARRIED = new OrServerWebExchangeMatcher(
            ServerWebExchangeMatchers.pathMatchers(HttpMethod.GET, "/api/v1/sessions/*/terminals/*/ws"),
            new AndServerWebExchangeMatcher(
                    ServerWebExchangeMatchers.pathMatchers(HttpMethod.GET, "/api/v1/sessions/*/logs",
                            "/api/v1/sessions/*/processes/*/output"),
                    exchange -> exchange.getRequest().getQueryParams().containsKey("ticket")
                            ? ServerWebExchangeMatcher.MatchResult.match()
                            : ServerWebExchangeMatcher.MatchResult.notMatch()));

    private static final String ADMIN_AUTHORITY = "ROLE_ADMIN";

    /**
     * Previews of session apps: the preview itself lets in the owner's bearer token or preview cookie, and passes
     * every other header (an app's own Authorization) to the app untouched.
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityWebFilterChain previewSecurity(ServerHttpSecurity http, PreviewProperties preview) {
        return http.securityMatcher(exchange -> PreviewAddress.of(exchange.getRequest(), preview.domain()) != null
                        ? ServerWebExchangeMatcher.MatchResult.match()
                        : ServerWebExchangeMatcher.MatchResult.notMatch())
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(cache -> cache.disable())
                .headers(headers -> headers.disable())
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .authorizeExchange(exchanges -> exchanges.anyExchange().permitAll())
                .build();
    }

    @Bean
    ReactiveJwtAuthenticationConverter jwtAuthenticationConverter(JwtProperties properties) {
        ReactiveJwtAuthenticationConverter converter = new ReactiveJwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(jwt -> Flux.fromIterable(roles(jwt, properties)));
        return converter;
    }

    @Bean
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http,
            ReactiveJwtAuthenticationConverter converter, Problems problems) {
        ServerAuthenticationEntryPoint unauthorized = (exchange, e) -> {
            boolean invalid = e instanceof OAuth2AuthenticationException oauth
                    && BearerTokenErrorCodes.INVALID_TOKEN.equals(oauth.getError().getErrorCode());
            return problems.write(exchange, HttpStatus.UNAUTHORIZED, Problems.UNAUTHORIZED, "Unauthorized",
                    invalid ? "The bearer token is invalid or has expired; send a valid one in the Authorization header"
                            : "Send a valid bearer token in the Authorization header",
                    headers -> headers.set("WWW-Authenticate", invalid ? "Bearer error=\"invalid_token\"" : "Bearer"));
        };
        return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers("/actuator/health", "/actuator/health/**", "/api/v1/openapi.json").permitAll()
                        // Connections a browser opens without headers carry a ticket; the relay checks it.
                        .matchers(TICKET_CARRIED).permitAll()
                        .pathMatchers("/actuator", "/actuator/**").hasAuthority(ADMIN_AUTHORITY)
                        .pathMatchers("/api", "/api/**").authenticated()
                        .anyExchange().permitAll())
                .oauth2ResourceServer(oauth -> oauth
                        .jwt(jwt -> jwt.jwtAuthenticationConverter(converter))
                        .authenticationEntryPoint(unauthorized))
                .exceptionHandling(errors -> errors
                        .authenticationEntryPoint(unauthorized)
                        .accessDeniedHandler((exchange, e) -> problems.write(exchange, HttpStatus.FORBIDDEN,
                                Problems.FORBIDDEN, "Forbidden", "This needs the admin role")))
                .build();
    }

    @Bean
    ReactiveJwtDecoder jwtDecoder(JwtProperties properties) {
        if (properties.secret() != null && !properties.secret().isBlank()) {
            byte[] key = properties.secret().getBytes(StandardCharsets.UTF_8);
            if (key.length < 32) {
                throw new IllegalStateException("berth.security.jwt.secret must be at least 32 bytes long");
            }
            return NimbusReactiveJwtDecoder.withSecretKey(new SecretKeySpec(key, "HmacSHA256"))
                    .macAlgorithm(MacAlgorithm.HS256).build();
        }
        if (properties.jwkSetUri() != null && !properties.jwkSetUri().isBlank()) {
            return NimbusReactiveJwtDecoder.withJwkSetUri(properties.jwkSetUri()).build();
        }
        if (properties.issuerUri() != null && !properties.issuerUri().isBlank()) {
            return ReactiveJwtDecoders.fromIssuerLocation(properties.issuerUri());
        }
        throw new IllegalStateException("No way to check tokens: set berth.security.jwt.secret (development) "
                + "or berth.security.jwt.issuer-uri / jwk-set-uri (production)");
    }

    private static Collection<GrantedAuthority> roles(Jwt jwt, JwtProperties properties) {
        Object claim = jwt.getClaim(properties.rolesClaim());
        List<String> roles = claim instanceof Collection<?> values ? values.stream().map(String::valueOf).toList()
                : claim == null ? List.of() : List.of(String.valueOf(claim).split("[ ,]+"));
        return roles.contains(properties.adminRole())
                ? List.of(new SimpleGrantedAuthority(ADMIN_AUTHORITY))
                : List.of();
    }
}
