package dev.berth.relay.security;

import org.springframework.security.core.Authentication;

/** Who is calling: the token's subject (or a ticket's owner), and whether they are an admin. */
public record Caller(String id, boolean admin) {

    public static final String ADMIN_AUTHORITY = "ROLE_ADMIN";

    public static Caller of(Authentication authentication) {
        boolean admin = authentication.getAuthorities().stream()
                .anyMatch(authority -> ADMIN_AUTHORITY.equals(authority.getAuthority()));
        return new Caller(authentication.getName(), admin);
    }

    public boolean mayAccess(String owner) {
        return admin || id.equals(owner);
    }
}
