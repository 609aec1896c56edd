package dev.berth.session.session;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.berth.contracts.SessionStatus;

/** {@code GET /api/v1/usage} (admins): each owner's sessions by status, and how many are live against the quota. */
@RestController
public class UsageController {

    private final SessionRepository sessions;
    private final SessionProperties properties;

    public UsageController(SessionRepository sessions, SessionProperties properties) {
        this.sessions = sessions;
        this.properties = properties;
    }

    /** One owner's use: {@code live} counts against {@code maxLive}. */
    public record OwnerUsage(String owner, long live, int maxLive, Map<SessionStatus, Long> byStatus) {
    }

    @GetMapping("/api/v1/usage")
    @Transactional(readOnly = true)
    public List<OwnerUsage> usage() {
        Map<String, Map<SessionStatus, Long>> byOwner = new LinkedHashMap<>();
        for (SessionRepository.OwnerStatusCount row : sessions.countByOwnerAndStatus()) {
            byOwner.computeIfAbsent(row.getOwner(), owner -> new EnumMap<>(SessionStatus.class))
                    .put(row.getStatus(), row.getCount());
        }
        return byOwner.entrySet().stream().map(entry -> new OwnerUsage(entry.getKey(),
                entry.getValue().entrySet().stream().filter(count -> Session.LIVE.contains(count.getKey()))
                        .mapToLong(Map.Entry::getValue).sum(),
                properties.maxLivePerOwner(), entry.getValue())).toList();
    }
}
