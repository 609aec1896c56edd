package dev.berth.session.lease;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** {@code extendMinutes}: how many minutes to add to the lease. */
public record ExtendLeaseRequest(@NotNull @Min(1) @Max(10_080) Integer extendMinutes) {
}
