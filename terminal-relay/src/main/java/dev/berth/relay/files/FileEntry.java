package dev.berth.relay.files;

import java.time.Instant;

/**
 * One entry of a directory listing.
 *
 * @param type       {@code file}, {@code directory}, {@code symlink} or {@code other}
 * @param size       bytes (of the link itself for a symbolic link)
 * @param mode       permission bits in octal, such as {@code 0644}
 * @param modifiedAt last modification
 */
public record FileEntry(String name, String type, long size, String mode, Instant modifiedAt) {
}
