package dev.berth.session;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Bean;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.rabbitmq.RabbitMQContainer;

/**
 * PostgreSQL and RabbitMQ for tests: the servers named by {@code BERTH_TEST_POSTGRES_URL} and
 * {@code BERTH_TEST_RABBITMQ_URI} when set (infra/dev test sets them), otherwise containers.
 */
@TestConfiguration(proxyBeanMethods = false)
public class TestInfrastructure {

    @Bean
    @ServiceConnection
    @ConditionalOnProperty(name = "BERTH_TEST_POSTGRES_URL", havingValue = "testcontainers", matchIfMissing = true)
    PostgreSQLContainer postgres() {
        return new PostgreSQLContainer("postgres:16-alpine");
    }

    @Bean
    @ServiceConnection
    @ConditionalOnProperty(name = "BERTH_TEST_RABBITMQ_URI", havingValue = "testcontainers", matchIfMissing = true)
    RabbitMQContainer rabbit() {
        return new RabbitMQContainer("rabbitmq:3.13-alpine");
    }
}
