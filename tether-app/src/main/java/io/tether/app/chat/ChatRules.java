package io.tether.app.chat;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** What the chat accepts: nicknames, room names and message sizes, each with a reason when refused. */
final class ChatRules {
    static final int MAX_TEXT = 2000;
    private static final Pattern NICK = Pattern.compile("[\\p{L}\\p{N}_.-]{1,24}");
    private static final Pattern ROOM = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

    private ChatRules() {
    }

    /** Why {@code nick} is refused, or null if it is fine. */
    static @Nullable String nickProblem(@Nullable String nick) {
        return nick != null && NICK.matcher(nick).matches() ? null
                : "a nickname is 1 to 24 letters, digits, '_', '.' or '-'";
    }

    static @Nullable String roomProblem(@Nullable String room) {
        return room != null && ROOM.matcher(room).matches() ? null
                : "a room name is 1 to 32 lower-case letters, digits, '_' or '-', starting with a letter or digit";
    }

    static @Nullable String textProblem(@Nullable String text) {
        if (text == null || text.isBlank()) {
            return "a message must not be empty";
        }
        return text.length() > MAX_TEXT ? "a message is at most " + MAX_TEXT + " characters" : null;
    }
}
