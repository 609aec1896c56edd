package dev.berth.provisioner.session;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The reconciler that keeps this node's containers and the sessions that should exist in step.
 *
 * @param sessionServiceUri session-service, asked which sessions should live on this node
 * @param interval          how often it compares (it also does at start)
 * @param orphanGrace       a container with no session is removed only once it is this old, so a create under
 *                          way is never mistaken for an orphan
 * @param endingGrace       a session TERMINATING this long (its delete command failed for good), or with a stop or
 *                          start unanswered this long, is finished by the reconciler
 */
@ConfigurationProperties("berth.reconciler")
public record ReconcilerProperties(@DefaultValue("http://127.0.0.1:8081") URI sessionServiceUri,
        @DefaultValue("60s") Duration interval, @DefaultValue("60s") Duration orphanGrace,
        @DefaultValue("2m") Duration endingGrace) {
}
