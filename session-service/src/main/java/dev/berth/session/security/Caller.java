package dev.berth.session.security;

import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * Who is calling: the token's subject, who owns the sessions they create, whether they are an admin, and the
 * roles their token names.
 */
public record Caller(String id, boolean admin, Set<String> roles) {

    public static final String ADMIN_AUTHORITY = "ROLE_ADMIN";
    /** Authorities {@code BERTH_ROLE_<role>} carry the token's roles. */
    public static final String ROLE_PREFIX = "BERTH_ROLE_";

    public Caller {
        roles = Set.copyOf(roles);
    }

    public static Caller of(Authentication authentication) {
        boolean admin = authentication.getAuthorities().stream()
                .anyMatch(authority -> ADMIN_AUTHORITY.equals(authority.getAuthority()));
        Set<String> roles = authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                .filter(authority -> authority.startsWith(ROLE_PREFIX))
                .map(authority -> authority.substring(ROLE_PREFIX.length())).collect(Collectors.toSet());
        return new Caller(authentication.getName(), admin, roles);
    }

    /** Whether the caller's token names {@code role}; an admin has every role. */
    public boolean hasRole(String role) {
        return admin || roles.contains(role);
    }

    public boolean mayAccess(String owner) {
        return admin || id.equals(owner);
    }
}
