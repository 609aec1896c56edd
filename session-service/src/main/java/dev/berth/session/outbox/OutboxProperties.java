package dev.berth.session.outbox;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param sweepInterval  how often unsent commands are retried (for example after RabbitMQ was down)
 * @param batchSize      the most commands published in one go
 * @param confirmTimeout how long to wait for the broker to confirm a command
 */
@ConfigurationProperties("berth.outbox")
public record OutboxProperties(@DefaultValue("2s") Duration sweepInterval, @DefaultValue("100") int batchSize,
        @DefaultValue("10s") Duration confirmTimeout) {
}
