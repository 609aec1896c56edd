package dev.berth.relay.files;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.springframework.http.HttpStatus;

import dev.berth.relay.web.Problems;
import dev.berth.relay.web.RelayException;

/**
 * An absolute path in a session container, checked as given by a client: no {@code ..} segment, no NUL, under one
 * of the allowed roots. {@code .} segments and repeated slashes are dropped.
 *
 * @param value the path, normalized: {@code /workspace/src/app.js}
 * @param root  the allowed root it lies under (or is)
 */
public record FilePath(String value, String root) {

    static final int MAX_LENGTH = 4096;
    static final int MAX_NAME_BYTES = 255;

    /**
     * Checks a path.
     *
     * @throws RelayException 400 {@code invalid-path} saying what is wrong
     */
    public static FilePath parse(String raw, List<String> roots) {
        if (raw == null || raw.isEmpty()) {
            throw invalid("path is required: an absolute path such as " + roots.getFirst() + "/app.js");
        }
        if (raw.length() > MAX_LENGTH) {
            throw invalid("path must have at most " + MAX_LENGTH + " characters");
        }
        if (raw.indexOf('\0') >= 0) {
            throw invalid("path must not contain NUL");
        }
        if (!raw.startsWith("/")) {
            throw invalid("path must be absolute, such as " + roots.getFirst() + "/app.js");
        }
        List<String> names = new ArrayList<>();
        for (String name : raw.split("/")) {
            if (name.isEmpty() || name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                throw invalid("path must not contain .. segments");
            }
            if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
                throw invalid("path has a name longer than " + MAX_NAME_BYTES + " bytes");
            }
            names.add(name);
        }
        String value = "/" + String.join("/", names);
        for (String root : roots) {
            if (value.equals(root) || value.startsWith(root.equals("/") ? "/" : root + "/")) {
                return new FilePath(value, root);
            }
        }
        throw invalid("path must be under " + String.join(" or ", roots) + "; " + value + " is not");
    }

    private static RelayException invalid(String detail) {
        return new RelayException(HttpStatus.BAD_REQUEST, Problems.INVALID_PATH, "Invalid path", detail);
    }

    public boolean isRoot() {
        return value.equals(root);
    }

    /** The last name of the path ({@code app.js}). */
    public String name() {
        return value.substring(value.lastIndexOf('/') + 1);
    }

    /** The directory holding it; the root's own parent for the root. */
    public String parent() {
        int slash = value.lastIndexOf('/');
        return slash == 0 ? "/" : value.substring(0, slash);
    }

    /** The root, then every directory below it down to the path itself: /workspace, /workspace/src, ... */
    public List<String> chain() {
        List<String> chain = new ArrayList<>();
        chain.add(root);
        if (!isRoot()) {
            String below = value.substring(root.equals("/") ? 1 : root.length() + 1);
            StringBuilder path = new StringBuilder(root.equals("/") ? "" : root);
            for (String name : below.split("/")) {
                path.append('/').append(name);
                chain.add(path.toString());
            }
        }
        return chain;
    }

    /** The path of {@code relative} (a checked relative path, or empty) under this one. */
    String resolve(String relative) {
        if (relative.isEmpty()) {
            return value;
        }
        return value.equals("/") ? "/" + relative : value + "/" + relative;
    }

    @Override
    public String toString() {
        return value;
    }
}
