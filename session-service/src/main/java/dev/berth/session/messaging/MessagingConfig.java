package dev.berth.session.messaging;

import java.util.List;
import java.util.Map;

import org.springframework.amqp.AmqpRejectAndDontRequeueException;
import org.springframework.amqp.support.converter.MessageConversionException;
import org.springframework.boot.amqp.autoconfigure.RabbitListenerRetrySettingsCustomizer;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.support.converter.JacksonJsonMessageConverter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.berth.contracts.Messaging;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The part of the RabbitMQ topology session-service relies on. The provision queue is declared here too
 * (with the same arguments as the provisioners declare it), so a create command is kept even before the
 * first provisioner starts.
 */
@Configuration(proxyBeanMethods = false)
public class MessagingConfig {

    @Bean
    Declarables topology() {
        TopicExchange commands = new TopicExchange(Messaging.COMMANDS);
        TopicExchange events = new TopicExchange(Messaging.EVENTS);
        TopicExchange deadLetters = new TopicExchange(Messaging.DEAD_LETTERS);
        Queue provision = withDeadLetters(Messaging.PROVISION_QUEUE);
        Queue provisionDead = QueueBuilder.durable(Messaging.PROVISION_QUEUE + Messaging.DEAD_LETTER_QUEUE_SUFFIX)
                .build();
        Queue sessionEvents = withDeadLetters(Messaging.SESSION_EVENTS_QUEUE);
        Queue sessionEventsDead = QueueBuilder
                .durable(Messaging.SESSION_EVENTS_QUEUE + Messaging.DEAD_LETTER_QUEUE_SUFFIX).build();
        Queue heartbeats = QueueBuilder.durable(Messaging.NODE_HEARTBEATS_QUEUE).ttl(60_000).build();
        return new Declarables(commands, events, deadLetters, provision, provisionDead, sessionEvents,
                sessionEventsDead, heartbeats,
                BindingBuilder.bind(provision).to(commands).with(Messaging.CREATE_SESSION),
                deadLetterBinding(provisionDead, deadLetters, Messaging.PROVISION_QUEUE),
                BindingBuilder.bind(sessionEvents).to(events).with(Messaging.SESSION_STATUS_PATTERN),
                deadLetterBinding(sessionEventsDead, deadLetters, Messaging.SESSION_EVENTS_QUEUE),
                BindingBuilder.bind(heartbeats).to(events).with(Messaging.NODE_HEARTBEAT));
    }

    /** Converts message bodies to the listener's parameter type; unknown fields of newer senders are ignored. */
    @Bean
    JacksonJsonMessageConverter messageConverter() {
        return new JacksonJsonMessageConverter(
                JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build());
    }

    /** A message that cannot be read will not be readable on a retry either: straight to the dead letters. */
    @Bean
    RabbitListenerRetrySettingsCustomizer noRetryForPoisonMessages() {
        return settings -> settings.setExceptionExcludes(
                List.of(MessageConversionException.class, AmqpRejectAndDontRequeueException.class));
    }

    private static Queue withDeadLetters(String name) {
        return QueueBuilder.durable(name).withArguments(Map.of(Messaging.X_DEAD_LETTER_EXCHANGE,
                Messaging.DEAD_LETTERS, Messaging.X_DEAD_LETTER_ROUTING_KEY, name)).build();
    }

    private static Binding deadLetterBinding(Queue queue, TopicExchange deadLetters, String source) {
        return BindingBuilder.bind(queue).to(deadLetters).with(source);
    }
}
