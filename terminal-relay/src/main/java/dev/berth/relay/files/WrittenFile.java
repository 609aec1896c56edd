package dev.berth.relay.files;

/**
 * A file written by {@code PUT}.
 *
 * @param mode    its permission bits in octal, such as {@code 0644}
 * @param created whether it is new (else it replaced a file)
 */
public record WrittenFile(String path, long size, String mode, boolean created) {
}
