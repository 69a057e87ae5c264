package io.tether.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.HandshakeRequest;
import io.tether.core.Principal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which address a per-client limit counts, and what the session store keeps of a token. */
class ClientAddressTest {

    private static HandshakeRequest from(String peer, String... forwardedFor) {
        HandshakeRequest.Builder b = HandshakeRequest.builder().remoteAddress(new InetSocketAddress(peer, 40000));
        for (String line : forwardedFor) {
            b.header("X-Forwarded-For", line);
        }
        return b.build();
    }

    @Test
    void ipv6TrustedProxies_matchInAnySpelling_andHopsAreComparedCanonically() {
        Set<String> trusted = Set.of(ClientAddress.normalize("::1"), ClientAddress.normalize("fd00::0:5"));
        assertThat(ClientAddress.of(from("::1", "2001:db8::7"), trusted)).isEqualTo("2001:db8:0:0:0:0:0:7");
        assertThat(ClientAddress.of(from("0:0:0:0:0:0:0:1", "2001:db8::7, fd00:0:0:0:0:0:0:5"), trusted))
                .as("a trusted hop in the chain is skipped").isEqualTo("2001:db8:0:0:0:0:0:7");
        assertThat(ClientAddress.of(from("::2", "2001:db8::7"), trusted)).as("an untrusted peer is the client")
                .isEqualTo("0:0:0:0:0:0:0:2");
        assertThat(ClientAddress.normalize("not-an-ip")).isEqualTo("not-an-ip");
        assertThat(ClientAddress.normalize("[::1]")).isEqualTo("0:0:0:0:0:0:0:1");
    }

    @Test
    void theStoreNeverKeepsAUsableToken_anonymousOrNot_andPrincipalsDiffer() {
        byte[] token = "AAAAAAAAAAAAAAAAAAAAAA".getBytes(StandardCharsets.US_ASCII);
        byte[] anonymous = TokenBinding.bind(token, Optional.empty());
        byte[] alice = TokenBinding.bind(token, Optional.of(Principal.named("alice")));
        byte[] bob = TokenBinding.bind(token, Optional.of(Principal.named("bob")));
        assertThat(anonymous).isNotEqualTo(token).isNotEqualTo(alice);
        assertThat(alice).isNotEqualTo(bob);
        assertThat(TokenBinding.bind(anonymous, Optional.empty())).as("what the store keeps does not resume")
                .isNotEqualTo(anonymous);
        assertThat(TokenBinding.bind(token, Optional.of(Principal.named("alice")))).isEqualTo(alice);
    }
}
