package io.tether.app.chat;

import io.tether.server.rooms.RoomAuthorizer;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** What the chat accepts: nicknames, room names and message sizes, each with a reason when refused. */
final class ChatRules {
    static final int MAX_TEXT = 2000;
    private static final Pattern NICK = Pattern.compile("[\\p{L}\\p{N}_.-]{1,24}");
    static final String PRIVATE_PREFIX = "dm:";
    private static final Pattern ROOM = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

    private ChatRules() {
    }

    /** Why {@code nick} is refused, or null if it is fine. */
    static @Nullable String nickProblem(@Nullable String nick) {
        return nick != null && NICK.matcher(nick).matches() ? null
                : "a nickname is 1 to 24 letters, digits, '_', '.' or '-'";
    }

    static @Nullable String roomProblem(@Nullable String room) {
        if (room != null && room.startsWith(PRIVATE_PREFIX)) {
            List<String> pair = participants(room);
            return pair.size() == 2 && pair.stream().allMatch(n -> nickProblem(n) == null)
                    && pair.get(0).compareTo(pair.get(1)) < 0 ? null
                    : "a private room is dm:<nick>+<nick>, two different nicknames in alphabetical order";
        }
        return room != null && ROOM.matcher(room).matches() ? null
                : "a room name is 1 to 32 lower-case letters, digits, '_' or '-', starting with a letter or digit,"
                        + " or dm:<nick>+<nick> for a private room";
    }

    /** The two nicknames of a private room {@code dm:a+b}; empty for a public room. */
    static List<String> participants(String room) {
        return room.startsWith(PRIVATE_PREFIX) ? List.of(room.substring(PRIVATE_PREFIX.length()).split("\\+", -1))
                : List.of();
    }

    /**
     * Who may join what: public rooms anyone; a private room {@code dm:a+b} only sessions logged
     * in (a verified principal, not a claimed nickname) as {@code a} or {@code b}.
     */
    static final RoomAuthorizer ROOMS = (session, room) -> !room.startsWith(PRIVATE_PREFIX)
            || session.principal().map(p -> participants(room).contains(p.name())).orElse(false);

    static @Nullable String textProblem(@Nullable String text) {
        if (text == null || text.isBlank()) {
            return "a message must not be empty";
        }
        return text.length() > MAX_TEXT ? "a message is at most " + MAX_TEXT + " characters" : null;
    }
}
