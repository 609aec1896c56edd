package dev.berth.session.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The token the other Berth services send in {@value #HEADER} on service-to-service calls
 * ({@code /internal/**}). Service ports are not public; the token keeps anything else that reaches them out.
 */
@ConfigurationProperties("berth.internal")
public record InternalProperties(String token) {

    public static final String HEADER = "X-Berth-Internal-Token";
}
