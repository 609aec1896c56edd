package dev.berth.session.template;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.util.unit.DataSize;

import dev.berth.contracts.ContainerSpec;

/**
 * A template made concrete for one session: {@code ${session.id}}, {@code ${session.owner}} and
 * {@code ${secret.<name>}} replaced in environment values and commands. Each secret is made for the session,
 * the same in all its containers, so nothing is shared between sessions.
 */
public final class TemplateValues {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(session\\.id|session\\.owner|secret\\.[A-Za-z0-9_-]+)}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private TemplateValues() {
    }

    public static List<ContainerSpec> containers(Template template, UUID sessionId, String owner) {
        Map<String, String> values = new HashMap<>(Map.of("session.id", sessionId.toString(), "session.owner", owner));
        return template.containers().stream().map(container -> {
            Map<String, String> env = new LinkedHashMap<>();
            container.env().forEach((name, value) -> env.put(name, resolve(value, values)));
            List<String> command = container.command().stream().map(arg -> resolve(arg, values)).toList();
            ContainerSpec.Readiness readiness = container.readiness().isEmpty() ? null
                    : new ContainerSpec.Readiness(container.readiness(), container.readinessTimeoutSeconds());
            ContainerSpec.Limits limits = container.memory() == null && container.cpus() == null
                    && !container.privileged() ? null
                    : new ContainerSpec.Limits(container.memory() == null ? null
                            : DataSize.parse(container.memory()).toBytes(),
                            container.cpus() == null ? null : Math.round(container.cpus() * 1_000_000_000d),
                            container.privileged());
            return new ContainerSpec(container.name(), container.image(), env, container.ports(),
                    command.isEmpty() ? null : command, container.dependsOn(), readiness, limits);
        }).toList();
    }

    private static String resolve(String text, Map<String, String> values) {
        Matcher matcher = PLACEHOLDER.matcher(text);
        StringBuilder resolved = new StringBuilder();
        while (matcher.find()) {
            String value = values.computeIfAbsent(matcher.group(1), key -> secret());
            matcher.appendReplacement(resolved, Matcher.quoteReplacement(value));
        }
        return matcher.appendTail(resolved).toString();
    }

    private static String secret() {
        StringBuilder secret = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            secret.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return secret.toString();
    }
}
