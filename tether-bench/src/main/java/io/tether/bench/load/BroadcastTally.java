package io.tether.bench.load;

import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * What every member of a broadcast run counts, added up: written by the members' event loop,
 * read by the thread that runs the measurement.
 */
final class BroadcastTally {
    /** Members that received at least one message: they are in the room. */
    final AtomicLong joined = new AtomicLong();
    /** Messages received by members, each copy once (repeats are in {@link #duplicates}). */
    final AtomicLong delivered = new AtomicLong();
    /** Messages of the measured window received by members, each copy once. */
    final AtomicLong measured = new AtomicLong();
    /** Copies a member had received already. */
    final AtomicLong duplicates = new AtomicLong();
    /** Messages that arrived after one the publisher sent later. */
    final AtomicLong reordered = new AtomicLong();
    /** Frames that were not a whole message of ours (length, phase, digits). */
    final AtomicLong corrupt = new AtomicLong();
    /** Member connections that closed while the run was going on. */
    final AtomicLong dropped = new AtomicLong();
    /** Publish-to-receipt time of the measured window's messages, nanoseconds. */
    final Recorder latency = new Recorder(3);
}
