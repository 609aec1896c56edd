package dev.berth.session.messaging;

import java.time.Duration;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Ids of messages already consumed, recorded in the transaction of their effect. */
@Component
public class ProcessedMessages {

    private static final Duration KEEP = Duration.ofDays(7);

    private final JdbcTemplate jdbc;

    public ProcessedMessages(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** True the first time a message id is seen; false for a redelivery or duplicate. */
    public boolean firstTime(UUID messageId) {
        return jdbc.update("insert into processed_messages (message_id) values (?) on conflict do nothing",
                messageId) == 1;
    }

    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT1M")
    void forgetOld() {
        jdbc.update("delete from processed_messages where processed_at < now() - make_interval(secs => ?)",
                (double) KEEP.toSeconds());
    }
}
