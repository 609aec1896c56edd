package dev.berth.session.session;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.berth.contracts.SessionStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** {@code berth_sessions{status=...}}: how many sessions are in each status, counted in the database. */
@Component
public class SessionMetrics {

    private final SessionRepository sessions;
    private final Map<SessionStatus, AtomicLong> counts = new EnumMap<>(SessionStatus.class);

    public SessionMetrics(SessionRepository sessions, MeterRegistry meters) {
        this.sessions = sessions;
        for (SessionStatus status : SessionStatus.values()) {
            AtomicLong count = new AtomicLong();
            counts.put(status, count);
            Gauge.builder("berth.sessions", count, AtomicLong::get).description("Sessions by status")
                    .tag("status", status.name()).register(meters);
        }
    }

    @Scheduled(fixedDelayString = "${berth.metrics.refresh-interval:10s}")
    void refresh() {
        Map<SessionStatus, Long> fresh = new EnumMap<>(SessionStatus.class);
        sessions.countByStatus().forEach(row -> fresh.put(row.getStatus(), row.getCount()));
        counts.forEach((status, count) -> count.set(fresh.getOrDefault(status, 0L)));
    }
}
