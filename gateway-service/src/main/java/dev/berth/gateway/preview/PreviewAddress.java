package dev.berth.gateway.preview;

import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Which session port a request previews: {@code http://{sessionId}-{port}.<domain>/...} (host-based, so apps that
 * use absolute paths work) or {@code /preview/{sessionId}/{port}/...} (path-based, {@code prefix} is stripped).
 */
public record PreviewAddress(UUID sessionId, int port, String prefix) {

    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final Pattern PATH = Pattern.compile("^(/preview/(" + UUID_PATTERN + ")/([0-9]{1,5}))(/.*)?$",
            Pattern.CASE_INSENSITIVE);

    public boolean hostBased() {
        return prefix.isEmpty();
    }

    /** The preview a request is for, or null when it is not a preview request. */
    public static PreviewAddress of(ServerHttpRequest request, String domain) {
        String host = request.getHeaders().getFirst("Host");
        if (host != null) {
            String name = host.toLowerCase(Locale.ROOT).replaceFirst(":[0-9]+$", "");
            String suffix = "." + domain.toLowerCase(Locale.ROOT);
            if (name.endsWith(suffix)) {
                Matcher label = Pattern.compile("^(" + UUID_PATTERN + ")-([0-9]{1,5})$")
                        .matcher(name.substring(0, name.length() - suffix.length()));
                return label.matches() ? address(label.group(1), label.group(2), "") : null;
            }
        }
        Matcher path = PATH.matcher(request.getPath().value());
        return path.matches() ? address(path.group(2), path.group(3), path.group(1)) : null;
    }

    private static PreviewAddress address(String sessionId, String port, String prefix) {
        int number = Integer.parseInt(port);
        return number < 1 || number > 65535 ? null : new PreviewAddress(UUID.fromString(sessionId), number, prefix);
    }
}
