package dev.berth.session.session;

import java.util.List;

/** One page of a session listing. */
public record SessionPage(List<SessionView> items, int page, int size, long totalItems, int totalPages) {
}
