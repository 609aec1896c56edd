package dev.berth.session.web;

/** One offending field of a refused request. */
public record FieldProblem(String field, String message) {
}
