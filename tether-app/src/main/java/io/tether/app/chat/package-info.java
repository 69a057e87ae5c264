/** The demo chat: rooms, history, presence over {@code tether.v1} sessions; the page is in resources/web. */
@NullMarked
package io.tether.app.chat;

import org.jspecify.annotations.NullMarked;
