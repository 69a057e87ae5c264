package io.tether.server.internal;

import io.tether.core.HandshakeRequest;
import io.tether.core.Principal;
import io.tether.server.Acceptance;
import io.tether.server.Endpoint;
import io.tether.server.HandshakeGate;
import io.tether.server.Authentication;
import io.tether.server.Authenticator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the application's handshake checks — the authenticator, the endpoint's authorizer, the
 * handshake gates (the server's then the endpoint's) — and turns what one does wrong (throws,
 * returns null) into a 500 refusal, logged once. Thread-safe (stateless).
 */
final class Gatekeeper {
    private static final Logger log = LoggerFactory.getLogger(Gatekeeper.class);
    static final Acceptance.Refused GATE_FAILED = Acceptance.refuse(500, "internal error while checking the handshake");

    private final HandshakeGate serverGate;
    private final Authenticator authenticator;

    Gatekeeper(HandshakeGate serverGate, Authenticator authenticator) {
        this.serverGate = serverGate;
        this.authenticator = authenticator;
    }

    /** Who the client is, or the refusal to answer. Event loop. */
    Authentication authenticate(HandshakeRequest request, Object connectionForLog) {
        @Nullable Authentication answer;
        try {
            answer = authenticator.authenticate(request);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            log.warn("{} authenticator {} threw; answering 500", connectionForLog, authenticator, e);
            return Authentication.refuse(GATE_FAILED);
        }
        if (answer == null) {
            log.warn("{} authenticator {} returned null; answering 500", connectionForLog, authenticator);
            return Authentication.refuse(GATE_FAILED);
        }
        return answer;
    }

    /**
     * Null when the endpoint's authorizer lets {@code principal} in; else 401 (anonymous) or 403
     * (authenticated). Event loop.
     */
    Acceptance.@Nullable Refused authorize(Endpoint endpoint, @Nullable Principal principal, HandshakeRequest request,
            Object connectionForLog) {
        boolean permitted;
        try {
            permitted = endpoint.authorizer().permits(Optional.ofNullable(principal), request);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            log.warn("{} authorizer of {} threw; answering 500", connectionForLog, endpoint.path(), e);
            return GATE_FAILED;
        }
        if (permitted) {
            return null;
        }
        return principal == null
                ? Acceptance.refuse(401, "authentication required for " + endpoint.path())
                        .withHeader("WWW-Authenticate", Authentication.BEARER_CHALLENGE)
                : Acceptance.refuse(403, principal.name() + " may not connect to " + endpoint.path());
    }

    /** The combined answer; attributes of both acceptances merged, the endpoint's winning. Event loop. */
    Acceptance check(HandshakeRequest request, Endpoint endpoint, Object connectionForLog) {
        Acceptance first = run(serverGate, request, connectionForLog);
        HandshakeGate endpointGate = endpoint.gate();
        if (endpointGate == null || first instanceof Acceptance.Refused) {
            return first;
        }
        Acceptance second = run(endpointGate, request, connectionForLog);
        if (second instanceof Acceptance.Refused) {
            return second;
        }
        Map<String, Object> a = ((Acceptance.Accepted) first).attributes();
        Map<String, Object> b = ((Acceptance.Accepted) second).attributes();
        if (a.isEmpty()) {
            return second;
        }
        if (b.isEmpty()) {
            return first;
        }
        Map<String, Object> merged = new HashMap<>(a);
        merged.putAll(b);
        return Acceptance.accept(merged);
    }

    private static Acceptance run(HandshakeGate gate, HandshakeRequest request, Object connectionForLog) {
        @Nullable Acceptance answer;
        try {
            answer = gate.check(request);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            log.warn("{} handshake gate {} threw; answering 500", connectionForLog, gate, e);
            return GATE_FAILED;
        }
        if (answer == null) {
            log.warn("{} handshake gate {} returned null; answering 500", connectionForLog, gate);
            return GATE_FAILED;
        }
        return answer;
    }
}
