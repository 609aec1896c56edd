package dev.berth.gateway.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How bearer tokens are checked, the same way as in every Berth service. Development: a shared HMAC {@code secret}
 * (HS256). Production: the {@code issuerUri} of an OpenID provider, or its {@code jwkSetUri}.
 *
 * @param secret     shared HMAC secret, at least 32 bytes
 * @param issuerUri  issuer whose JWKS signs the tokens
 * @param jwkSetUri  JWKS location, when the issuer has no discovery document
 * @param rolesClaim claim holding the caller's roles
 * @param adminRole  role (in {@code rolesClaim}) that makes an admin
 */
@ConfigurationProperties("berth.security.jwt")
public record JwtProperties(String secret, String issuerUri, String jwkSetUri,
        @DefaultValue("roles") String rolesClaim, @DefaultValue("admin") String adminRole) {
}
