/**
 * Real processes for tests, each on a free port of 127.0.0.1 in a temporary directory of its own,
 * ready when its constructor returns (a bounded wait polling the service itself, never a fixed
 * sleep) and stopped by its own PID: {@link io.tether.testkit.services.RedisServer},
 * {@link io.tether.testkit.services.RedisCluster}, {@link io.tether.testkit.services.Nginx} (which
 * runs the shipped {@code deploy/nginx/tether.conf}). Test scope only.
 */
@NullMarked
package io.tether.testkit.services;

import org.jspecify.annotations.NullMarked;
