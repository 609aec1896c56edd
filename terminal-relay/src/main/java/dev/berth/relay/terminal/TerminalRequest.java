package dev.berth.relay.terminal;

import java.util.List;
import java.util.Set;

import dev.berth.relay.exec.ExecRequest;
import dev.berth.relay.web.RelayException;
import tools.jackson.databind.JsonNode;

/**
 * A terminal to start, as checked from the body of {@code POST /api/v1/sessions/{id}/terminals}; every field
 * is optional.
 *
 * @param argv what runs: the command given, or bash when the image has it, else sh
 * @param cwd  absolute working directory, or null for the session's
 */
record TerminalRequest(List<String> argv, String cwd, int cols, int rows) {

    static final int MAX_SIZE = 1000;
    static final List<String> SHELL = List.of("sh", "-c",
            "if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi");

    private static final Set<String> FIELDS = Set.of("cols", "rows", "command", "cwd");

    TerminalRequest {
        argv = List.copyOf(argv);
    }

    /**
     * Checks a request body; null or an empty body starts the default shell at 80x24.
     *
     * @throws RelayException 400 naming the first offending field
     */
    static TerminalRequest parse(JsonNode body) {
        if (body == null || body.isNull()) {
            return new TerminalRequest(SHELL, null, 80, 24);
        }
        if (!body.isObject()) {
            throw RelayException.invalid("body", "must be a JSON object");
        }
        for (String field : body.propertyNames()) {
            if (!FIELDS.contains(field)) {
                throw RelayException.invalid(field, "is not a known field; known fields: cols, command, cwd, rows");
            }
        }
        JsonNode command = body.get("command");
        return new TerminalRequest(command == null || command.isNull() ? SHELL : ExecRequest.argv(command),
                ExecRequest.cwd(body.get("cwd")), size(body.get("cols"), "cols", 80), size(body.get("rows"), "rows", 24));
    }

    /** A {@code cols} or {@code rows} value: a whole number from 1 to {@value #MAX_SIZE}. */
    static int size(JsonNode value, String field, int fallback) {
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 1
                || value.intValue() > MAX_SIZE) {
            throw RelayException.invalid(field, "must be a whole number from 1 to " + MAX_SIZE);
        }
        return value.intValue();
    }
}
