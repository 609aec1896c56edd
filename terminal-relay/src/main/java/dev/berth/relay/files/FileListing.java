package dev.berth.relay.files;

import java.util.List;

/**
 * What a directory holds, sorted by name.
 *
 * @param truncated whether the directory holds more than the listing could take
 */
public record FileListing(String path, List<FileEntry> entries, boolean truncated) {
}
