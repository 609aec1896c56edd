package dev.berth.relay.files;

import java.util.List;

/**
 * What an archive upload wrote under its target directory.
 *
 * @param entries     every entry of the archive, in its order
 * @param files       regular files written
 * @param directories directories in the archive
 * @param links       symbolic and hard links
 * @param bytes       bytes of the files
 */
public record Extraction(String path, List<Entry> entries, int files, int directories, int links, long bytes) {

    /**
     * One entry written.
     *
     * @param path absolute path in the session
     * @param type {@code file}, {@code directory}, {@code symlink} or {@code hardlink}
     */
    public record Entry(String path, String type, long size) {
    }
}
