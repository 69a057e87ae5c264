package io.tether.app.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tether.core.HandshakeRequest;
import io.tether.server.HttpRoute;
import io.tether.server.auth.JwtIssuer;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The chat demo's login, {@code GET /demo/token?nick=NAME}: hands out a token for any valid
 * nickname, signed with the server's secret, which the page then presents on every connection.
 * <b>A demo:</b> it checks no password, so anyone can be anyone; what it shows is the rest of the
 * path — a token verified at every handshake, sessions bound to it, private rooms only for the
 * principals they name, tokens replaced before they expire. A real deployment gets tokens from its
 * identity provider and leaves this route out.
 */
public final class DemoLogin implements HttpRoute {
    public static final String PATH = "/demo/token";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JwtIssuer issuer;
    private final Duration lifetime;

    /** Tokens from {@code issuer}, valid for {@code lifetime}. */
    public DemoLogin(JwtIssuer issuer, Duration lifetime) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
    }

    @Override
    public Answer answer(String method, HandshakeRequest request) {
        if (!method.equals("GET")) {
            return new Answer(405, "text/plain; charset=utf-8", "use GET\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    Map.of("Allow", "GET"));
        }
        String nick = request.queryParam("nick").orElse(null);
        String problem = ChatRules.nickProblem(nick);
        ObjectNode out = JSON.createObjectNode();
        if (problem != null) {
            return Answer.json(400, out.put("error", problem).toString());
        }
        String token = issuer.issue(nick, lifetime, Map.of("demo", true));
        return Answer.json(200, out.put("token", token).put("nick", nick).put("expiresIn", lifetime.toSeconds()).toString());
    }
}
