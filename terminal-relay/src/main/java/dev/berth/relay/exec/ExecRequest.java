package dev.berth.relay.exec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.berth.relay.docker.ContainerProcesses;
import dev.berth.relay.web.RelayException;
import tools.jackson.databind.JsonNode;

/**
 * A command to run in a session, as checked from the body of {@code POST /api/v1/sessions/{id}/exec}.
 *
 * @param argv       what is executed: the argv given, or {@code sh -c <shell>}
 * @param shell      the shell string given instead of an argv, else null
 * @param cwd        absolute working directory, or null for the container's
 * @param env        extra environment variables
 * @param timeout    when the command is killed; null for none (background only)
 * @param background whether the call answers at once with a process handle
 */
public record ExecRequest(List<String> argv, String shell, String cwd, Map<String, String> env, Duration timeout,
        boolean background) {

    static final int MAX_ARGS = 1024;
    static final int MAX_COMMAND_CHARS = 128 * 1024;
    static final int MAX_ENV = 64;
    static final int MAX_ENV_NAME = 128;
    static final int MAX_ENV_VALUE = 8192;
    static final int MAX_CWD = 4096;
    static final int MAX_TIMEOUT_SECONDS = 3600;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private static final Set<String> FIELDS = Set.of("command", "cwd", "env", "timeoutSeconds", "background");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public ExecRequest {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
    }

    /** The command as the client gave it: its argv, or its shell string. */
    public Object command() {
        return shell != null ? shell : argv;
    }

    /**
     * Checks a request body.
     *
     * @throws RelayException 400 naming the first offending field
     */
    public static ExecRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw RelayException.invalid("body", "must be a JSON object");
        }
        for (String field : body.propertyNames()) {
            if (!FIELDS.contains(field)) {
                throw RelayException.invalid(field, "is not a known field; known fields: background, command, cwd, "
                        + "env, timeoutSeconds");
            }
        }
        boolean background = background(body.get("background"));
        JsonNode command = body.get("command");
        if (command == null || command.isNull()) {
            throw RelayException.invalid("command", "is required: an array of strings, or a string run with sh -c");
        }
        return new ExecRequest(argv(command), command.isString() ? command.stringValue() : null,
                cwd(body.get("cwd")), env(body.get("env")), timeout(body.get("timeoutSeconds"), background),
                background);
    }

    private static boolean background(JsonNode value) {
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw RelayException.invalid("background", "must be true or false");
        }
        return value.booleanValue();
    }

    /**
     * The argv of a {@code command} field: an array of strings as it is, a string as {@code sh -c <string>}.
     *
     * @throws RelayException 400 when it is neither, or too long
     */
    public static List<String> argv(JsonNode command) {
        if (command.isString()) {
            String shell = command.stringValue();
            if (shell.isBlank()) {
                throw RelayException.invalid("command", "must not be blank");
            }
            checkText("command", shell, MAX_COMMAND_CHARS);
            return List.of("sh", "-c", shell);
        }
        if (!command.isArray()) {
            throw RelayException.invalid("command", "must be an array of strings, or a string run with sh -c");
        }

        if (command.isEmpty()) {
            throw RelayException.invalid("command", "must not be an empty array");
        }
        if (command.size() > MAX_ARGS) {
            throw RelayException.invalid("command", "must have at most " + MAX_ARGS + " elements");
        }
        List<String> argv = new ArrayList<>();
        long chars = 0;
        for (int i = 0; i < command.size(); i++) {
            JsonNode element = command.get(i);
            String field = "command[" + i + "]";
            if (!element.isString()) {
                throw RelayException.invalid(field, "must be a string");
            }
            String arg = element.stringValue();
            checkText(field, arg, MAX_COMMAND_CHARS);
            chars += arg.length();
            argv.add(arg);
        }
        if (argv.getFirst().isEmpty()) {
            throw RelayException.invalid("command[0]", "must name the program to run");
        }
        if (chars > MAX_COMMAND_CHARS) {
            throw RelayException.invalid("command", "must have at most " + MAX_COMMAND_CHARS + " characters in all");
        }
        return argv;
    }

    /** A {@code cwd} field: an absolute path, or null when absent. */
    public static String cwd(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw RelayException.invalid("cwd", "must be a string");
        }
        String cwd = value.stringValue();
        checkText("cwd", cwd, MAX_CWD);
        if (!cwd.startsWith("/")) {
            throw RelayException.invalid("cwd", "must be an absolute path");
        }
        return cwd;
    }

    private static Map<String, String> env(JsonNode value) {
        if (value == null || value.isNull()) {
            return Map.of();
        }
        if (!value.isObject()) {
            throw RelayException.invalid("env", "must be an object of string values");
        }
        if (value.size() > MAX_ENV) {
            throw RelayException.invalid("env", "must have at most " + MAX_ENV + " entries");
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : value.properties()) {
            String name = entry.getKey();
            String field = "env." + name;
            if (name.length() > MAX_ENV_NAME || !ENV_NAME.matcher(name).matches()) {
                throw RelayException.invalid("env", "names must be 1 to " + MAX_ENV_NAME
                        + " letters, digits and '_', not starting with a digit");
            }
            if (name.equals(ContainerProcesses.MARKER)) {
                throw RelayException.invalid(field, "is reserved");
            }
            if (!entry.getValue().isString()) {
                throw RelayException.invalid(field, "must be a string");
            }
            String text = entry.getValue().stringValue();
            checkText(field, text, MAX_ENV_VALUE);
            env.put(name, text);
        }
        return env;
    }

    private static Duration timeout(JsonNode value, boolean background) {
        if (value == null || value.isNull()) {
            return background ? null : DEFAULT_TIMEOUT;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 1
                || value.intValue() > MAX_TIMEOUT_SECONDS) {
            throw RelayException.invalid("timeoutSeconds", "must be a whole number from 1 to " + MAX_TIMEOUT_SECONDS);
        }
        return Duration.ofSeconds(value.intValue());
    }

    private static void checkText(String field, String text, int maxChars) {
        if (text.length() > maxChars) {
            throw RelayException.invalid(field, "must have at most " + maxChars + " characters");
        }
        if (text.indexOf('\0') >= 0) {
            throw RelayException.invalid(field, "must not contain NUL");
        }
    }
}
