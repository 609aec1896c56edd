package dev.berth.session.lease;

import java.util.List;
import java.util.UUID;

import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.berth.session.security.Caller;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

@RestController
public class LeaseController {

    private final Leases leases;

    public LeaseController(Leases leases) {
        this.leases = leases;
    }

    /** Extends a session's lease by {@code extendMinutes}, up to its maximum lifetime; says how far it went. */
    @PostMapping("/api/v1/sessions/{id}/lease")
    public LeaseExtension extend(Authentication auth, @PathVariable UUID id,
            @RequestBody @Valid ExtendLeaseRequest request) {
        return leases.extend(Caller.of(auth), id, request.extendMinutes());
    }

    /** Services report which sessions were used (a batch every few seconds, not every byte). */
    @PostMapping("/internal/v1/activity")
    public ResponseEntity<Void> activity(@RequestBody @Valid Activity activity) {
        leases.touch(activity.sessionIds());
        return ResponseEntity.noContent().build();
    }

    /** The sessions used since the last report. */
    public record Activity(@NotNull @Size(max = 10_000) List<@NotNull UUID> sessionIds) {
    }
}
