package dev.berth.provisioner.messaging;

import java.time.Duration;
import java.util.UUID;

import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

import dev.berth.contracts.Messaging;
import dev.berth.contracts.NodeHeartbeat;
import dev.berth.contracts.SessionStatusChanged;

/**
 * Publishes events to {@link Messaging#EVENTS} and returns only once the broker confirmed them, so a command
 * is acknowledged only after its answer is safe.
 */
@Component
public class EventPublisher {

    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);

    private final RabbitTemplate rabbit;

    public EventPublisher(RabbitTemplate rabbit) {
        this.rabbit = rabbit;
    }

    public void status(SessionStatusChanged event) {
        publish(Messaging.SESSION_STATUS_PREFIX + event.status().name().toLowerCase(), event, event.messageId());
    }

    public void heartbeat(NodeHeartbeat heartbeat) {
        publish(Messaging.NODE_HEARTBEAT, heartbeat, heartbeat.messageId());
    }

    private void publish(String routingKey, Object event, UUID messageId) {
        rabbit.invoke(operations -> {
            operations.convertAndSend(Messaging.EVENTS, routingKey, event, message -> {
                message.getMessageProperties().setMessageId(messageId.toString());
                message.getMessageProperties().setDeliveryMode(MessageDeliveryMode.PERSISTENT);
                return message;
            });
            operations.waitForConfirmsOrDie(CONFIRM_TIMEOUT.toMillis());
            return null;
        });
    }
}
