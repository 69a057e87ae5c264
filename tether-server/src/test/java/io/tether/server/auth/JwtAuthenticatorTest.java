package io.tether.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.tether.core.HandshakeRequest;
import io.tether.core.Principal;
import io.tether.server.Acceptance;
import io.tether.server.Authentication;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What JwtAuthenticator accepts and refuses, on hand-built handshakes, at a fixed clock. */
class JwtAuthenticatorTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final JwtIssuer ISSUER = JwtIssuer.hmac(SECRET, "tether-test", "chat", CLOCK);

    private static JwtAuthenticator.Builder hmac() {
        return JwtAuthenticator.hmac(SECRET).issuer("tether-test").audience("chat").clock(CLOCK);
    }

    private static HandshakeRequest bearer(String token) {
        return HandshakeRequest.builder().path("/ws").header("Authorization", "Bearer " + token).build();
    }

    private static Acceptance.Refused refused(Authentication a) {
        assertThat(a).isInstanceOf(Authentication.Refused.class);
        return ((Authentication.Refused) a).refusal();
    }

    private static Principal principal(Authentication a) {
        assertThat(a).isInstanceOf(Authentication.Authenticated.class);
        return ((Authentication.Authenticated) a).principal();
    }

    @Test
    void aValidToken_givesItsSubject_claims_andExpiry() {
        String token = ISSUER.issue("alice", Duration.ofMinutes(5), Map.of("role", "admin", "rooms", List.of("a", "b")));
        Principal p = principal(hmac().build().authenticate(bearer(token)));
        assertThat(p.name()).isEqualTo("alice");
        assertThat(p.stringClaim("role")).isEqualTo("admin");
        assertThat(p.claims()).containsEntry("rooms", List.of("a", "b")).containsEntry("iss", "tether-test");
        assertThat(p.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
        assertThat(p.toString()).doesNotContain("admin");
    }

    @Test
    void theTokenIsFoundInTheHeader_aSubprotocolEntry_aNamedCookie_andTheQuery() {
        String token = ISSUER.issue("bob", Duration.ofMinutes(5), Map.of());
        JwtAuthenticator auth = hmac().cookie("tt").build();
        assertThat(principal(auth.authenticate(HandshakeRequest.builder()
                .header("Sec-WebSocket-Protocol", "tether.v1, access_token." + token).build())).name()).isEqualTo("bob");
        assertThat(principal(auth.authenticate(HandshakeRequest.builder()
                .header("Cookie", "a=b; tt=" + token + "; c=d").build())).name()).isEqualTo("bob");
        assertThat(principal(auth.authenticate(HandshakeRequest.builder().rawQuery("x=1&access_token=" + token)
                .build())).name()).isEqualTo("bob");
        // A cookie is looked at only when named; the query only while allowed.
        assertThat(refused(hmac().build().authenticate(HandshakeRequest.builder().header("Cookie", "tt=" + token)
                .build())).status()).isEqualTo(401);
        assertThat(refused(hmac().fromQuery(false).build().authenticate(HandshakeRequest.builder()
                .rawQuery("access_token=" + token).build())).reason()).doesNotContain("query");
    }

    @Test
    void noToken_is401WithABearerChallenge_orAnonymousWhenNotRequired() {
        Acceptance.Refused r = refused(hmac().build().authenticate(HandshakeRequest.builder().build()));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.reason()).startsWith("no credentials");
        assertThat(r.headers()).containsEntry("WWW-Authenticate", "Bearer realm=\"tether\"");
        assertThat(hmac().required(false).build().authenticate(HandshakeRequest.builder().build()))
                .isSameAs(Authentication.anonymous());
    }

    @Test
    void everyBadToken_is401InvalidToken_sayingWhy() throws Exception {
        JwtAuthenticator auth = hmac().build();
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put(JwtIssuer.hmac(SECRET, "tether-test", "chat", Clock.fixed(NOW.minusSeconds(400), ZoneOffset.UTC))
                .issue("alice", Duration.ofMinutes(5), Map.of()), "Expired JWT");
        cases.put(JwtIssuer.hmac(SECRET, "someone-else", "chat", CLOCK).issue("alice", Duration.ofMinutes(5), Map.of()),
                "iss");
        cases.put(JwtIssuer.hmac(SECRET, "tether-test", "billing", CLOCK).issue("alice", Duration.ofMinutes(5), Map.of()),
                "aud claim");
        cases.put(JwtIssuer.hmac("another secret, 32 bytes or more.".getBytes(StandardCharsets.US_ASCII), "tether-test",
                "chat", CLOCK).issue("alice", Duration.ofMinutes(5), Map.of()), "Signed JWT rejected");
        cases.put(new PlainJWT(claims().build()).serialize(), "Unsecured");
        cases.put(sign(claims().notBeforeTime(Date.from(NOW.plusSeconds(120))), JWSAlgorithm.HS256,
                new com.nimbusds.jose.crypto.MACSigner(SECRET)), "before use time");
        cases.put(sign(new JWTClaimsSet.Builder().issuer("tether-test").audience("chat")
                .expirationTime(Date.from(NOW.plusSeconds(60))), JWSAlgorithm.HS256,
                new com.nimbusds.jose.crypto.MACSigner(SECRET)), "sub");
        cases.put("not.a.jwt", "Invalid");
        cases.forEach((token, why) -> {
            Acceptance.Refused r = refused(auth.authenticate(bearer(token)));
            assertThat(r.status()).as(why).isEqualTo(401);
            assertThat(r.reason()).as(why).startsWith("invalid token: ").containsIgnoringCase(why);
            assertThat(r.headers().get("WWW-Authenticate")).as(why).contains("error=\"invalid_token\"");
        });
    }

    @Test
    void expiryIsRequired_unlessTurnedOff_andSkewIsTolerated() throws Exception {
        var mac = new com.nimbusds.jose.crypto.MACSigner(SECRET);
        String forever = sign(new JWTClaimsSet.Builder().subject("alice").issuer("tether-test").audience("chat"),
                JWSAlgorithm.HS256, mac);
        assertThat(refused(hmac().build().authenticate(bearer(forever))).reason()).contains("exp");
        assertThat(principal(hmac().requireExpiry(false).build().authenticate(bearer(forever))).expiresAt()).isNull();
        String justExpired = sign(claims().expirationTime(Date.from(NOW.minusSeconds(20))), JWSAlgorithm.HS256, mac);
        assertThat(principal(hmac().build().authenticate(bearer(justExpired))).name()).as("within 30 s of skew")
                .isEqualTo("alice");
        assertThat(hmac().clockSkew(Duration.ZERO).build().authenticate(bearer(justExpired)))
                .isInstanceOf(Authentication.Refused.class);
    }

    @Test
    void rsaAndEcTokens_verifyWithAPemPublicKey_andNotWithTheOtherKind() throws Exception {
        KeyPairGenerator rsaGen = KeyPairGenerator.getInstance("RSA");
        rsaGen.initialize(2048);
        KeyPair rsa = rsaGen.generateKeyPair();
        KeyPairGenerator ecGen = KeyPairGenerator.getInstance("EC");
        ecGen.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair ec = ecGen.generateKeyPair();
        String rs256 = sign(claims(), JWSAlgorithm.RS256, new RSASSASigner(rsa.getPrivate()));
        String es256 = sign(claims(), JWSAlgorithm.ES256, new ECDSASigner((ECPrivateKey) ec.getPrivate()));

        JwtAuthenticator byRsa = JwtAuthenticator.publicKeyPem(pem(rsa)).issuer("tether-test").clock(CLOCK).build();
        JwtAuthenticator byEc = JwtAuthenticator.publicKeyPem(pem(ec)).issuer("tether-test").clock(CLOCK).build();
        assertThat(principal(byRsa.authenticate(bearer(rs256))).name()).isEqualTo("alice");
        assertThat(principal(byEc.authenticate(bearer(es256))).name()).isEqualTo("alice");
        assertThat(byRsa.authenticate(bearer(es256))).isInstanceOf(Authentication.Refused.class);
        assertThat(byEc.authenticate(bearer(rs256))).isInstanceOf(Authentication.Refused.class);
        // An HS256 token signed with the public key's bytes (the classic algorithm confusion) is refused.
        String confused = sign(claims(), JWSAlgorithm.HS256, new com.nimbusds.jose.crypto.MACSigner(
                rsa.getPublic().getEncoded()));
        assertThat(refused(byRsa.authenticate(bearer(confused))).status()).isEqualTo(401);
    }

    @Test
    void badKeysAndSecrets_failWithAMessageThatSaysWhatIsWrong() {
        assertThatThrownBy(() -> JwtAuthenticator.hmac(new byte[16])).hasMessageContaining("at least 32 bytes");
        assertThatThrownBy(() -> JwtAuthenticator.publicKeyPem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"))
                .hasMessageContaining("no '-----BEGIN PUBLIC KEY-----'");
        assertThatThrownBy(() -> hmac().clockSkew(Duration.ofHours(1))).hasMessageContaining("clockSkew");
    }

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().subject("alice").issuer("tether-test").audience("chat")
                .expirationTime(Date.from(NOW.plusSeconds(300)));
    }

    private static String sign(JWTClaimsSet.Builder claims, JWSAlgorithm alg, JWSSigner signer) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(alg), claims.build());
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static String pem(KeyPair pair) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }
}
