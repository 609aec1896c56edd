package dev.berth.relay.files;

/**
 * One checked entry of an uploaded archive.
 *
 * @param path     where it goes, relative to the target directory, normalized ({@code src/app.js})
 * @param kind     what it is
 * @param size     bytes of a file, as read (not as declared); 0 for the others
 * @param mode     permission bits (no set-id or sticky bits)
 * @param link     a symbolic link's target as written; a hard link's target path, relative and normalized
 * @param modified modification time in epoch milliseconds
 */
record ArchiveEntry(String path, Kind kind, long size, int mode, String link, long modified) {

    enum Kind {
        FILE, DIRECTORY, SYMLINK, HARDLINK;

        /** As the API shows it. */
        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
