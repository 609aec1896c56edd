package dev.berth.session.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import java.security.MessageDigest;

import javax.crypto.spec.SecretKeySpec;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoders;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

import dev.berth.session.web.Problems;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/** Every API call carries a bearer JWT; its subject owns sessions, a role claim makes an admin. */
@Configuration(proxyBeanMethods = false)
public class SecurityConfig {

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, JwtProperties properties,
            InternalProperties internal, JsonMapper json)
            throws Exception {
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(jwt -> roles(jwt, properties));
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/health/**", "/actuator/info", "/actuator/prometheus",
                                "/v3/api-docs/**", "/error")
                        .permitAll()
                        .requestMatchers("/api/v1/nodes/**", "/api/v1/usage/**").hasAuthority(Caller.ADMIN_AUTHORITY)
                        .requestMatchers("/internal/**").access(internalToken(internal))
                        .anyRequest().authenticated())
                .oauth2ResourceServer(oauth -> oauth
                        .jwt(jwt -> jwt.jwtAuthenticationConverter(converter))
                        .authenticationEntryPoint((request, response, e) -> write(response, json,
                                HttpStatus.UNAUTHORIZED, Problems.UNAUTHORIZED, "Unauthorized",
                                "Send a valid bearer token in the Authorization header")))
                .exceptionHandling(errors -> errors
                        .authenticationEntryPoint((request, response, e) -> write(response, json,
                                HttpStatus.UNAUTHORIZED, Problems.UNAUTHORIZED, "Unauthorized",
                                "Send a valid bearer token in the Authorization header"))
                        .accessDeniedHandler((request, response, e) -> write(response, json, HttpStatus.FORBIDDEN,
                                Problems.FORBIDDEN, "Forbidden", request.getRequestURI().startsWith("/internal/")
                                        ? "Only Berth's services may call this"
                                        : "This needs the admin role")));
        return http.build();
    }

    @Bean
    JwtDecoder jwtDecoder(JwtProperties properties) {
        if (properties.secret() != null && !properties.secret().isBlank()) {
            byte[] key = properties.secret().getBytes(StandardCharsets.UTF_8);
            if (key.length < 32) {
                throw new IllegalStateException("berth.security.jwt.secret must be at least 32 bytes long");
            }
            return NimbusJwtDecoder.withSecretKey(new SecretKeySpec(key, "HmacSHA256"))
                    .macAlgorithm(MacAlgorithm.HS256).build();
        }
        if (properties.jwkSetUri() != null && !properties.jwkSetUri().isBlank()) {
            return NimbusJwtDecoder.withJwkSetUri(properties.jwkSetUri()).build();
        }
        if (properties.issuerUri() != null && !properties.issuerUri().isBlank()) {
            return JwtDecoders.fromIssuerLocation(properties.issuerUri());
        }
        throw new IllegalStateException("No way to check tokens: set berth.security.jwt.secret (development) "
                + "or berth.security.jwt.issuer-uri / jwk-set-uri (production)");
    }

    /** Service-to-service calls carry the shared internal token; without one configured, none get in. */
    private static AuthorizationManager<RequestAuthorizationContext> internalToken(InternalProperties internal) {
        byte[] expected = internal.token() == null ? new byte[0] : internal.token().getBytes(StandardCharsets.UTF_8);
        return (authentication, context) -> {
            String sent = context.getRequest().getHeader(InternalProperties.HEADER);
            boolean granted = expected.length > 0 && sent != null
                    && MessageDigest.isEqual(expected, sent.getBytes(StandardCharsets.UTF_8));
            return new AuthorizationDecision(granted);
        };
    }

    private static Collection<GrantedAuthority> roles(Jwt jwt, JwtProperties properties) {
        List<String> roles = jwt.hasClaim(properties.rolesClaim()) ? rolesOf(jwt.getClaim(properties.rolesClaim()))
                : List.of();
        List<GrantedAuthority> authorities = new ArrayList<>();
        roles.forEach(role -> authorities.add(new SimpleGrantedAuthority(Caller.ROLE_PREFIX + role)));
        if (roles.contains(properties.adminRole())) {
            authorities.add(new SimpleGrantedAuthority(Caller.ADMIN_AUTHORITY));
        }
        return authorities;
    }

    private static List<String> rolesOf(Object claim) {
        if (claim instanceof Collection<?> values) {
            return values.stream().map(String::valueOf).toList();
        }
        return claim == null ? List.of() : List.of(String.valueOf(claim).split("[ ,]+"));
    }

    private static void write(HttpServletResponse response, JsonMapper json, HttpStatus status, String type,
            String title, String detail) throws IOException {
        ProblemDetail problem = Problems.of(status, type, title, detail, List.of());
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (status == HttpStatus.UNAUTHORIZED) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        json.writeValue(response.getOutputStream(), problem);
    }
}
