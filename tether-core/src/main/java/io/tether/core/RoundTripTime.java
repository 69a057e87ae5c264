package io.tether.core;

import java.time.Duration;

/**
 * Round-trip time from ping to pong: the last sample and a smoothed value (RFC 6298's SRTT,
 * gain 1/8, so one slow pong moves it by an eighth of the difference).
 */
public record RoundTripTime(Duration last, Duration smoothed) {
}
