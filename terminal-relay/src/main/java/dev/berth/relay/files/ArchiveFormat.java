package dev.berth.relay.files;

import java.util.List;

import org.springframework.http.MediaType;

/** The archives a session's files can be uploaded as, told apart by their first bytes. */
enum ArchiveFormat {

    ZIP, TAR_GZ;

    /** Content types a client may declare for an archive; the first bytes decide which one it is. */
    static final List<MediaType> CONTENT_TYPES = List.of(MediaType.parseMediaType("application/zip"),
            MediaType.parseMediaType("application/x-zip-compressed"), MediaType.parseMediaType("application/gzip"),
            MediaType.parseMediaType("application/x-gzip"), MediaType.parseMediaType("application/x-tar+gzip"),
            MediaType.parseMediaType("application/x-gtar"), MediaType.APPLICATION_OCTET_STREAM);

    /** Whether a declared content type may be an archive; a request that declares none may be too. */
    static boolean acceptable(MediaType declared) {
        return declared == null || CONTENT_TYPES.stream().anyMatch(type -> type.equalsTypeAndSubtype(declared));
    }

    /** The format of an archive starting with {@code head}, or null when it is neither a zip nor gzip data. */
    static ArchiveFormat sniff(byte[] head, int length) {
        if (length >= 4 && head[0] == 'P' && head[1] == 'K'
                && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6))) {
            return ZIP;
        }
        if (length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return TAR_GZ;
        }
        return null;
    }
}
