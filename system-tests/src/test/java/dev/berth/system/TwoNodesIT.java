package dev.berth.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.berth.contracts.ContainerLabels;
import tools.jackson.databind.JsonNode;

/**
 * Provisioners compete for create commands: with two nodes, both take sessions, and each session's terminals
 * are served by its own node's relay.
 */
class TwoNodesIT {

    @Test
    void bothProvisionersTakeCreates() throws Exception {
        Stack stack = SharedStack.get();
        try (Stack.Node second = stack.startNode("b")) {
            second.awaitHealthy();
            String first = stack.node().id();
            String other = second.id();
            Api admin = new Api(stack.gatewayUrl(), stack.token("admin-" + UUID.randomUUID(), true));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                List<String> online = new ArrayList<>();
                admin.call("GET", "/api/v1/nodes", null).json().forEach(node -> {
                    if (node.path("online").asBoolean()) {
                        online.add(node.path("id").asString());
                    }
                });
                return online.containsAll(List.of(first, other));
            });

            Api api = new Api(stack.gatewayUrl(), stack.token("user-" + UUID.randomUUID(), false));
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ids.add(api.create("{}").path("id").asString());
            }
            Map<String, Integer> perNode = new HashMap<>();
            Map<String, String> sessionOnNode = new HashMap<>();
            for (String id : ids) {
                JsonNode running = api.awaitStatus(id, "RUNNING", Duration.ofSeconds(90));
                perNode.merge(running.path("nodeId").asString(), 1, Integer::sum);
                sessionOnNode.put(running.path("nodeId").asString(), id);
            }
            System.out.println("Sessions per node: " + perNode);
            assertThat(perNode).containsOnlyKeys(first, other);

            // the gateway sends every connection of a session to its node's relay: a terminal is found again
            for (String id : sessionOnNode.values()) {
                JsonNode terminal = TerminalIT.open(api, id, null);
                try (TerminalClient client = TerminalIT.connect(stack, terminal, terminal.path("ticket").asString())) {
                    client.type("export NODE_MARK=on-$((20+1)); echo set-$NODE_MARK\r");
                    client.await("set-on-21", Duration.ofSeconds(15));
                }
                String ticket = TerminalIT.ticket(api, id, terminal.path("id").asString());
                try (TerminalClient again = TerminalIT.connect(stack, terminal, ticket)) {
                    again.await("set-on-21", Duration.ofSeconds(15));
                    again.type("echo again-$NODE_MARK\r");
                    again.await("again-on-21", Duration.ofSeconds(15));
                }
            }

            api.call("DELETE", "/api/v1/sessions", null);
            for (String id : ids) {
                api.awaitStatus(id, "TERMINATED", Duration.ofSeconds(60));
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(stack.containers())
                    .noneMatch(c -> ids.contains(c.getLabels().get(ContainerLabels.SESSION))));
        }
    }
}
