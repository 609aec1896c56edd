package dev.berth.relay.security;

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
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;

import dev.berth.relay.ticket.Tickets;
import dev.berth.relay.web.Problems;
import reactor.core.publisher.Flux;

/**
 * Every call to the relay carries a bearer JWT, checked the same way as in every Berth service; health, info and
 * metrics are open to the node's own monitoring (the relay is reached from outside only through the gateway).
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfig {

    @Bean
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, JwtProperties properties,
            Problems problems) {
        ReactiveJwtAuthenticationConverter converter = new ReactiveJwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(jwt -> Flux.fromIterable(roles(jwt, properties)));
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
                        .pathMatchers("/actuator/health", "/actuator/health/**", "/actuator/info",
                                "/actuator/prometheus").permitAll()
                        // Connections a browser opens without headers carry a ticket, checked by their handler.
                        .matchers(Tickets.CARRIED).permitAll()
                        .anyExchange().authenticated())
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
                ? List.of(new SimpleGrantedAuthority(Caller.ADMIN_AUTHORITY))
                : List.of();
    }
}
