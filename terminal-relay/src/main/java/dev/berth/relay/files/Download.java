package dev.berth.relay.files;

import java.io.InputStream;

/**
 * A file being read from a session container.
 *
 * @param content its bytes, exactly {@code size} of them; the reader closes it
 */
record Download(String name, long size, InputStream content) {
}
