package io.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HandshakeRequestTest {
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 4242);

    private static HandshakeRequest request() {
        return HandshakeRequest.builder().path("/chat").rawQuery("room=a%20b&tag=x&tag=y+z&flag&=v&bad=%zz")
                .header("Host", "example.org").header("Sec-WebSocket-Protocol", "tether.v1, chat")
                .header("X-Trace", "1").header("sec-websocket-protocol", "json").header("x-trace", "2")
                .remoteAddress(PEER).subprotocol("tether.v1").build();
    }

    @Test
    void queryParams_areDecoded_multiValued_inOrder() {
        HandshakeRequest r = request();
        assertThat(r.queryParams()).containsExactly(
                Map.entry("room", List.of("a b")), Map.entry("tag", List.of("x", "y z")), Map.entry("flag", List.of("")),
                Map.entry("", List.of("v")), Map.entry("bad", List.of("%zz")));
        assertThat(r.queryParam("tag")).contains("x");
        assertThat(r.queryParam("room")).contains("a b");
        assertThat(r.queryParam("missing")).isEmpty();
        assertThat(r.rawQuery()).startsWith("room=a%20b");
        assertThatThrownBy(() -> r.queryParams().put("k", List.of())).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void noQuery_hasNoParams() {
        HandshakeRequest r = HandshakeRequest.builder().path("/x").build();
        assertThat(r.rawQuery()).isNull();
        assertThat(r.queryParams()).isEmpty();
        assertThat(r.queryParam("a")).isEmpty();
        assertThat(r.headerCount()).isZero();
        assertThat(r.headerNames()).isEmpty();
        assertThat(r.header("Host")).isEmpty();
    }

    @Test
    void headers_lookUpIgnoringCase_keepEveryValueInOrder() {
        HandshakeRequest r = request();
        assertThat(r.header("HOST")).contains("example.org");
        assertThat(r.header("x-TRACE")).contains("1");
        assertThat(r.headerValues("X-Trace")).containsExactly("1", "2");
        assertThat(r.headerValues("X-Tra")).isEmpty();
        assertThat(r.header("X-Trace-Id")).isEmpty();
        assertThat(r.headerNames()).containsExactly("Host", "Sec-WebSocket-Protocol", "X-Trace");
        assertThat(r.headerCount()).isEqualTo(5);
        assertThatThrownBy(() -> r.headerValues("X-Trace").add("3")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void offeredSubprotocols_fromEveryHeaderLine_inOrder_andTheSelectedOne() {
        HandshakeRequest r = request();
        assertThat(r.offeredSubprotocols()).containsExactly("tether.v1", "chat", "json");
        assertThat(r.subprotocol()).isEqualTo("tether.v1");
        assertThat(r.withSubprotocol(null).subprotocol()).isNull();
        assertThat(r.remoteAddress()).isEqualTo(PEER);
        assertThat(r.path()).isEqualTo("/chat");
    }

    @Test
    void toBuilder_roundTrips_andEqualityIsByValue() {
        HandshakeRequest r = request();
        assertThat(r.toBuilder().build()).isEqualTo(r).hasSameHashCodeAs(r);
        assertThat(r.withSubprotocol("chat")).isNotEqualTo(r);
        assertThat(r.toBuilder().header("X-More", "1").build()).isNotEqualTo(r);
        // The same text split differently is another request.
        HandshakeRequest ab = HandshakeRequest.builder().header("ab", "c").build();
        HandshakeRequest a = HandshakeRequest.builder().header("a", "bc").build();
        assertThat(ab).isNotEqualTo(a);
    }

    @Test
    void toString_showsNoHeaderValuesAndNoQuery() {
        HandshakeRequest r = request().toBuilder().header("Authorization", "Bearer secret").rawQuery("token=hunter2").build();
        assertThat(r.toString()).contains("/chat", "6 headers", "tether.v1").doesNotContain("secret", "hunter2");
    }

    @Test
    void builder_refusesBadInput() {
        assertThatThrownBy(() -> HandshakeRequest.builder().path("chat")).hasMessageContaining("must start with '/'");
        assertThatThrownBy(() -> HandshakeRequest.builder().header("", "v")).hasMessageContaining("header name");
        assertThatThrownBy(() -> HandshakeRequest.builder().header("a:b", "v")).hasMessageContaining("must not contain ':'");
        assertThatThrownBy(() -> HandshakeRequest.builder().header("a", "v\r\nX: y")).hasMessageContaining("line break");
    }

    @Test
    void valuesMayHoldColons_andANameWithAColonMatchesNothing() {
        HandshakeRequest r = HandshakeRequest.builder().header("a", "b:x").header("Origin", "https://h:8443").build();
        assertThat(r.header("a")).contains("b:x");
        assertThat(r.header("a:b")).isEmpty();
        assertThat(r.header("origin")).contains("https://h:8443");
        assertThat(r.header("o")).isEmpty();
        assertThat(r.header("Origins")).isEmpty();
        assertThat(r.headerNames()).containsExactly("a", "Origin");
        assertThat(r.headerCount()).isEqualTo(2);
    }
}
