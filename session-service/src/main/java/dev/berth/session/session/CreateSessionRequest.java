package dev.berth.session.session;

import java.util.Map;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * What a client may ask of a new session; every field is optional.
 *
 * @param image           an image from the allow-list (default: the workspace image)
 * @param durationMinutes the lease (default 60, at most the configured maximum)
 * @param projectId       groups sessions, for listing
 * @param labels          free key/value metadata, for the client's own use
 * @param env             environment variables of the session's container (default template only)
 * @param template        what the session is made of (default: {@code node}, one workspace container)
 */
public record CreateSessionRequest(
        @Size(min = 1, max = 255) String image,
        @Min(1) Integer durationMinutes,
        @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}",
                message = "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit")
        String projectId,
        @Size(max = 32, message = "must have at most 32 entries")
        Map<@NotNull @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._/-]{0,62}",
                message = "keys must be 1 to 63 letters, digits, '.', '_', '/' or '-'") String,
                @NotNull @Size(max = 256) String> labels,
        @Size(max = 64, message = "must have at most 64 entries")
        Map<@NotNull @Pattern(regexp = "[A-Za-z_][A-Za-z0-9_]{0,127}",
                message = "names must be letters, digits and '_', not starting with a digit") String,
                @NotNull @Size(max = 8192) @Pattern(regexp = "[^\\x00]*", message = "must not contain NUL")
                String> env,
        @Pattern(regexp = "[a-z0-9][a-z0-9-]{0,39}", message = "must be a template name: lower-case letters, "
                + "digits and '-'") String template) {

    public Map<String, String> labelsOrEmpty() {
        return labels == null ? Map.of() : labels;
    }

    public Map<String, String> envOrEmpty() {
        return env == null ? Map.of() : env;
    }
}
