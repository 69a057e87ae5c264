package io.tether.core.heartbeat;

import static io.tether.core.Durations.requirePositive;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the phi-accrual failure detector (Hayashibara et al. 2004, in the form Akka uses).
 *
 * @param threshold phi at which the peer is suspected: 8 means the detector is wrong about once in
 *     10^8 times if delays follow the learned normal distribution
 * @param maxSampleSize how many recent round-trip samples the distribution is learned from
 * @param minStdDeviation floor of the standard deviation, so a very steady link does not make the
 *     detector trigger on the first small delay
 * @param acceptablePause delay added to the learned mean, for pauses the detector should always
 *     tolerate (GC, a busy peer)
 */
public record PhiAccrualConfig(double threshold, int maxSampleSize, Duration minStdDeviation,
        Duration acceptablePause) {

    public static final double DEFAULT_THRESHOLD = 8.0;
    public static final int DEFAULT_MAX_SAMPLE_SIZE = 100;
    public static final Duration DEFAULT_MIN_STD_DEVIATION = Duration.ofMillis(100);
    public static final Duration DEFAULT_ACCEPTABLE_PAUSE = Duration.ofSeconds(1);
    public static final PhiAccrualConfig DEFAULT = new PhiAccrualConfig(DEFAULT_THRESHOLD,
            DEFAULT_MAX_SAMPLE_SIZE, DEFAULT_MIN_STD_DEVIATION, DEFAULT_ACCEPTABLE_PAUSE);

    public PhiAccrualConfig {
        if (!(threshold > 0) || Double.isInfinite(threshold)) {
            throw new IllegalArgumentException("phiThreshold must be a positive number, was " + threshold);
        }
        if (maxSampleSize < 1) {
            throw new IllegalArgumentException("phiMaxSampleSize must be at least 1, was " + maxSampleSize);
        }
        requirePositive(minStdDeviation, "phiMinStdDeviation");
        Objects.requireNonNull(acceptablePause, "phiAcceptablePause");
        if (acceptablePause.isNegative()) {
            throw new IllegalArgumentException("phiAcceptablePause must not be negative, was " + acceptablePause);
        }
    }
}
