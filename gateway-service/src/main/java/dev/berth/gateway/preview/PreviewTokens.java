package dev.berth.gateway.preview;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Signed preview tickets (single use, in a link) and cookies (for the browser that opened the link). Each names one
 * session port and whom it lets in; a ticket can not be used as a cookie, nor either for another preview.
 */
@Component
public class PreviewTokens {

    enum Kind {
        TICKET, COOKIE
    }

    /** Whom a valid token lets in. */
    record Holder(String owner, boolean admin) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final byte[] key;
    private final Clock clock;
    private final Map<String, Instant> usedTickets = new ConcurrentHashMap<>();

    public PreviewTokens(PreviewProperties properties, Clock clock) {
        byte[] secret = properties.secret() == null || properties.secret().isBlank() ? random(32)
                : properties.secret().getBytes(StandardCharsets.UTF_8);
        if (secret.length < 32) {
            throw new IllegalStateException("berth.gateway.preview.secret must be at least 32 bytes long");
        }
        this.key = secret;
        this.clock = clock;
    }

    String issue(Kind kind, PreviewAddress preview, Holder holder, Duration lifetime) {
        long expires = clock.instant().plus(lifetime).getEpochSecond();
        String payload = String.join("|", kind.name(), preview.sessionId().toString(),
                Integer.toString(preview.port()), Long.toString(expires), holder.admin() ? "admin" : "user",
                ENCODER.encodeToString(random(12)), ENCODER.encodeToString(holder.owner().getBytes(StandardCharsets.UTF_8)));
        String encoded = ENCODER.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        return encoded + "." + ENCODER.encodeToString(sign(encoded));
    }

    /** The holder of a valid token of that kind for that preview; a ticket is used up by this. */
    Optional<Holder> verify(Kind kind, String token, PreviewAddress preview) {
        if (token == null || token.length() > 2048) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String encoded = token.substring(0, dot);
        try {
            byte[] signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
            if (!MessageDigest.isEqual(signature, sign(encoded))) {
                return Optional.empty();
            }
            String[] parts = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8).split("\\|");
            if (parts.length != 7) {
                return Optional.empty();
            }
            Instant expires = Instant.ofEpochSecond(Long.parseLong(parts[3]));
            if (!parts[0].equals(kind.name()) || !parts[1].equals(preview.sessionId().toString())
                    || !parts[2].equals(Integer.toString(preview.port())) || !expires.isAfter(clock.instant())) {
                return Optional.empty();
            }
            if (kind == Kind.TICKET && usedTickets.putIfAbsent(parts[5], expires) != null) {
                return Optional.empty();
            }
            return Optional.of(new Holder(new String(Base64.getUrlDecoder().decode(parts[6]), StandardCharsets.UTF_8),
                    parts[4].equals("admin")));
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    @Scheduled(fixedDelay = 60_000)
    void forgetExpiredTickets() {
        Instant now = clock.instant();
        usedTickets.values().removeIf(expires -> !expires.isAfter(now));
    }

    private byte[] sign(String encoded) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(encoded.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] random(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
