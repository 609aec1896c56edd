package dev.berth.provisioner.messaging;

import java.util.List;
import java.util.Map;

import org.springframework.amqp.AmqpRejectAndDontRequeueException;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.support.converter.JacksonJsonMessageConverter;
import org.springframework.amqp.support.converter.MessageConversionException;
import org.springframework.boot.amqp.autoconfigure.RabbitListenerRetrySettingsCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.berth.contracts.Messaging;
import dev.berth.provisioner.node.NodeProperties;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The part of the RabbitMQ topology a provisioner consumes from. Shared pieces are declared with the same
 * arguments as session-service declares them; the node queue is this node's own.
 */
@Configuration(proxyBeanMethods = false)
public class MessagingConfig {

    private static final TopicExchange COMMANDS = new TopicExchange(Messaging.COMMANDS);
    private static final TopicExchange DEAD_LETTERS = new TopicExchange(Messaging.DEAD_LETTERS);

    @Bean
    Declarables topology() {
        TopicExchange events = new TopicExchange(Messaging.EVENTS);
        Queue provision = withDeadLetters(Messaging.PROVISION_QUEUE);
        Queue provisionDead = deadLetterQueue(Messaging.PROVISION_QUEUE);
        return new Declarables(COMMANDS, events, DEAD_LETTERS, provision, provisionDead,
                BindingBuilder.bind(provision).to(COMMANDS).with(Messaging.CREATE_SESSION),
                deadLetterBinding(provisionDead, Messaging.PROVISION_QUEUE));
    }

    /** This node's queue: delete (and later stop) commands of the sessions it holds. */
    @Bean
    Queue nodeQueue(NodeProperties node) {
        return withDeadLetters(node.queue());
    }

    @Bean
    Declarables nodeTopology(Queue nodeQueue, NodeProperties node) {
        Queue dead = deadLetterQueue(nodeQueue.getName());
        return new Declarables(dead,
                BindingBuilder.bind(nodeQueue).to(COMMANDS).with(Messaging.NODE_PREFIX + node.id() + ".#"),
                deadLetterBinding(dead, nodeQueue.getName()));
    }

    /** Converts message bodies to the listener's parameter type; unknown fields of newer senders are ignored. */
    @Bean
    JacksonJsonMessageConverter messageConverter() {
        return new JacksonJsonMessageConverter(
                JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build());
    }

    /**
     * A message that cannot be read, or is no usable command, never will be: it goes to the dead-letter queue
     * without retries.
     */
    @Bean
    RabbitListenerRetrySettingsCustomizer noRetryForPoisonMessages() {
        return settings -> settings.setExceptionExcludes(
                List.of(MessageConversionException.class, AmqpRejectAndDontRequeueException.class));
    }

    private static Queue withDeadLetters(String name) {
        return QueueBuilder.durable(name).withArguments(Map.of(Messaging.X_DEAD_LETTER_EXCHANGE,
                Messaging.DEAD_LETTERS, Messaging.X_DEAD_LETTER_ROUTING_KEY, name)).build();
    }

    private static Queue deadLetterQueue(String source) {
        return QueueBuilder.durable(source + Messaging.DEAD_LETTER_QUEUE_SUFFIX).build();
    }

    private static Binding deadLetterBinding(Queue queue, String source) {
        return BindingBuilder.bind(queue).to(DEAD_LETTERS).with(source);
    }
}
