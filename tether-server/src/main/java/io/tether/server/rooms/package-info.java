/**
 * Rooms: named groups of {@code tether.v1} sessions with publish to all, bounded history and a
 * join authorization hook. Every member receives through its own session, so a member that is
 * reconnecting gets the room's messages replayed when it resumes.
 */
@NullMarked
package io.tether.server.rooms;

import org.jspecify.annotations.NullMarked;
