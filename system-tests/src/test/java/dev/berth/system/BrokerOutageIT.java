package dev.berth.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** A session asked for while session-service cannot reach RabbitMQ is provisioned once it can. */
class BrokerOutageIT {

    @Test
    void aSessionCreatedWhileTheBrokerIsUnreachableIsProvisionedWhenItIsBack() throws Exception {
        Stack stack = SharedStack.get();
        Api api = new Api(stack.gatewayUrl(), stack.token("user-" + UUID.randomUUID(), false));
        String id;
        stack.brokerProxy().refuse();
        try {
            long started = System.nanoTime();
            Api.Response created = api.call("POST", "/api/v1/sessions", "{}");
            assertThat(created.status()).isEqualTo(202);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("creating does not wait for the broker")
                    .isLessThan(Duration.ofSeconds(5));
            id = created.json().path("id").asString();
            Api.sleep(3_000);
            assertThat(api.get(id).path("status").asString()).isEqualTo("REQUESTED");
        } finally {
            stack.brokerProxy().accept();
        }
        api.awaitStatus(id, "RUNNING", Duration.ofSeconds(90));
        api.delete(id);
        api.awaitStatus(id, "TERMINATED", Duration.ofSeconds(60));
    }
}
