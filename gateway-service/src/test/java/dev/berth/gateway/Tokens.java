package dev.berth.gateway;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/** HS256 tokens as the development token script mints them. */
final class Tokens {

    static final String SECRET = "test-secret-test-secret-test-secret-0123";

    private Tokens() {
    }

    static String user(String subject) {
        return mint(SECRET, subject, List.of(), Instant.now().plus(Duration.ofHours(1)));
    }

    static String admin(String subject) {
        return mint(SECRET, subject, List.of("admin"), Instant.now().plus(Duration.ofHours(1)));
    }

    static String mint(String secret, String subject, List<String> roles, Instant expiresAt) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject).claim("roles", roles)
                .issueTime(Date.from(expiresAt.minus(Duration.ofHours(2)))).expirationTime(Date.from(expiresAt))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }
}
