package dev.berth.provisioner;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Bean;
import org.testcontainers.rabbitmq.RabbitMQContainer;

/**
 * RabbitMQ for tests: the server named by {@code BERTH_TEST_RABBITMQ_URI} when it is set, otherwise a
 * container. The Docker Engine is always the local one.
 */
@TestConfiguration(proxyBeanMethods = false)
class TestInfrastructure {

    @Bean
    @ServiceConnection
    @ConditionalOnProperty(name = "BERTH_TEST_RABBITMQ_URI", havingValue = "testcontainers", matchIfMissing = true)
    RabbitMQContainer rabbit() {
        return new RabbitMQContainer("rabbitmq:3.13-alpine");
    }
}
