package dev.berth.relay.files;

/**
 * What an archive may hold.
 *
 * @param maxEntries        most entries
 * @param maxExpandedBytes  most bytes of its files, counted as they are decompressed
 * @param maxRatio          most times it may expand beyond its own size, counted from {@link #RATIO_FLOOR} on
 */
record ArchiveLimits(int maxEntries, long maxExpandedBytes, int maxRatio) {

    /** Archives smaller than this are measured as if they were this large for the expansion ratio. */
    static final long RATIO_FLOOR = 1024 * 1024;

    /** Most bytes an archive of {@code archiveBytes} may expand to by the ratio. */
    long maxByRatio(long archiveBytes) {
        return Math.max(archiveBytes, RATIO_FLOOR) * maxRatio;
    }
}
