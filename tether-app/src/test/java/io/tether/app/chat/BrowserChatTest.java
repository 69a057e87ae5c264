package io.tether.app.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tether.client.ClientConfig;
import io.tether.client.SocketListener;
import io.tether.client.TetherClient;
import io.tether.client.TetherSocket;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import io.tether.server.TetherServer;
import io.tether.server.demo.EchoListener;
import io.tether.server.rooms.RoomAuthorizer;
import io.tether.testkit.FaultProxy;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Two users in real headless Chromium (Debian's chromium and chromium-driver), one of them behind
 * the fault proxy, plus a Java client in the same room. The cut user's network freezes, then dies;
 * it keeps typing; after recovery both users see every message exactly once and in order, and
 * presence followed the heartbeat. Screenshots go to target/screenshots.
 */
@Tag("browser")
class BrowserChatTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path SHOTS = Path.of("target", "screenshots");
    /** The pages are opened with {@code ?ping=300}: the same heartbeat on both sides. */
    private static final HeartbeatConfig HEARTBEAT = HeartbeatConfig.builder().pingInterval(Duration.ofMillis(300))
            .pingTimeout(Duration.ofMillis(600)).build();

    /** The chat server of both tests: the page, and the chat endpoint with {@code sessions}. */
    private static TetherServer chatServer(io.tether.server.SessionListener sessions) {
        return TetherServer.start(ServerConfig.builder().port(0).heartbeat(HEARTBEAT).staticRoot("web")
                .endpoint(Endpoint.resumable("/chat", new EchoListener(), sessions)).build());
    }

    private static void quit(WebDriver... browsers) {
        for (WebDriver b : browsers) {
            if (b != null) {
                b.quit();
            }
        }
    }

    private static WebDriver browser(Path profile) {
        return browser(profile, false);
    }

    /** @param acceptTestCertificates trust the test's private CA (Chromium has no file for it: any certificate) */
    private static WebDriver browser(Path profile, boolean acceptTestCertificates) {
        ChromeOptions options = new ChromeOptions();
        if (acceptTestCertificates) {
            options.addArguments("--ignore-certificate-errors");
        }
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1100,800", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static void enter(WebDriver d, String url, String nick) {
        d.get(url);
        d.findElement(By.id("nick")).sendKeys(nick);
        d.findElement(By.cssSelector("#login-form button")).click();
        await().atMost(WAIT).until(() -> d.findElement(By.id("chat")).isDisplayed());
        d.findElement(By.cssSelector("#join-form button")).click();
        await().atMost(WAIT).until(() -> d.findElement(By.id("room-title")).getText().equals("#lobby"));
    }

    /** Opens the private room with {@code nick} by clicking them in the member list. */
    private static void openPrivateRoom(WebDriver d, String nick, String room) {
        await().atMost(WAIT).until(() -> !d.findElements(By.cssSelector("#members li[data-nick='" + nick + "']")).isEmpty());
        d.findElement(By.cssSelector("#members li[data-nick='" + nick + "']")).click();
        await().atMost(WAIT).until(() -> d.findElement(By.id("room-title")).getText().equals("#" + room));
    }

    private static void say(WebDriver d, String text) {
        WebElement input = d.findElement(By.id("text"));
        input.sendKeys(text);
        d.findElement(By.cssSelector("#say-form button")).click();
    }

    // The page re-renders its lists on every event, so read them in one script call (atomic with
    // respect to the page) instead of element by element, which races with the re-rendering.

    @SuppressWarnings("unchecked")
    private static List<String> messages(WebDriver d) {
        return (List<String>) ((JavascriptExecutor) d).executeScript("return [...document.querySelectorAll('#messages li')]"
                + ".map(li => li.querySelector('.from').textContent + ': ' + li.querySelector('.text').textContent)");
    }

    private static String presenceOf(WebDriver d, String nick) {
        // Any of the nick's sessions online counts (a page reloaded leaves its old session a member until it expires).
        Object online = ((JavascriptExecutor) d).executeScript("const lis = [...document.querySelectorAll('#members li')]"
                + ".filter(li => li.dataset.nick === arguments[0]); return lis.length === 0 ? 'absent'"
                + " : String(lis.some(li => li.dataset.online === 'true'));", nick);
        return String.valueOf(online);
    }

    private static String status(WebDriver d) {
        return String.valueOf(((JavascriptExecutor) d).executeScript("return document.getElementById('status').dataset.state"));
    }

    private static long count(WebDriver d, String selector) {
        return ((Number) ((JavascriptExecutor) d).executeScript("return document.querySelectorAll(arguments[0]).length",
                selector)).longValue();
    }

    private static void shot(WebDriver d, String name) throws Exception {
        Files.createDirectories(SHOTS);
        File f = ((ChromeDriver) d).getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void twoBrowsersAndAJavaClient_survive_aFrozenThenDeadNetwork() throws Exception {
        Path profiles = Files.createTempDirectory("tether-chromium");
        WebDriver alice = null;
        WebDriver bob = null;
        try (TetherServer server = chatServer(new ChatService(RoomAuthorizer.OPEN, 50));
                FaultProxy proxy = FaultProxy.start(server.port());
                TetherClient javaClient = TetherClient.create(ClientConfig.builder().resumable(true).build())) {
            alice = browser(profiles.resolve("alice"));
            bob = browser(profiles.resolve("bob"));
            enter(alice, "http://127.0.0.1:" + server.port() + "/?ping=300", "alice");
            enter(bob, "http://127.0.0.1:" + proxy.port() + "/?ping=300", "bob");
            WebDriver a = alice;
            WebDriver b = bob;

            say(a, "hello from alice");
            say(a, "<img src=x onerror=alert(1)>");
            TetherSocket javaUser = javaClient.open(java.net.URI.create("ws://127.0.0.1:" + server.port() + "/chat"),
                    new SocketListener() { });
            javaUser.sendText("{\"t\":\"hello\",\"nick\":\"javabot\"}");
            javaUser.sendText("{\"t\":\"join\",\"room\":\"lobby\"}");
            javaUser.sendText("{\"t\":\"say\",\"room\":\"lobby\",\"text\":\"hi from java\"}");
            await().atMost(WAIT).until(() -> messages(b).size() == 3);
            assertThat(count(b, "#messages img")).as("markup is shown as text").isZero();
            assertThat(messages(b).get(1)).isEqualTo("alice: <img src=x onerror=alert(1)>");
            await().atMost(WAIT).until(() -> "true".equals(presenceOf(a, "bob")));

            proxy.freeze();
            long frozenAt = System.nanoTime();
            await().atMost(WAIT).until(() -> status(b).equals("reconnecting"));
            await().atMost(WAIT).until(() -> "false".equals(presenceOf(a, "bob")));
            long offlineMs = (System.nanoTime() - frozenAt) / 1_000_000;
            say(b, "typed while cut 1");
            say(b, "typed while cut 2");
            await().atMost(WAIT).until(() -> count(b, "#pending li") == 2);
            shot(a, "alice-sees-bob-offline");
            shot(b, "bob-reconnecting-with-pending");

            proxy.killAll();
            proxy.unfreeze();
            await().atMost(WAIT).until(() -> messages(a).size() == 5 && messages(b).size() == 5);
            await().atMost(WAIT).until(() -> "true".equals(presenceOf(a, "bob")));
            await().atMost(WAIT).until(() -> status(b).equals("open"));
            List<String> expected = List.of("alice: hello from alice", "alice: <img src=x onerror=alert(1)>",
                    "javabot: hi from java", "bob: typed while cut 1", "bob: typed while cut 2");
            assertThat(messages(a)).containsExactlyElementsOf(expected);
            assertThat(messages(b)).containsExactlyElementsOf(expected);
            assertThat(count(b, "#pending li")).isZero();
            shot(a, "alice-after-recovery");
            shot(b, "bob-after-recovery");
            System.out.printf("browser chat: bob shown offline to alice %d ms after the freeze (server bound %d ms)%n",
                    offlineMs, HEARTBEAT.detectionBound().toMillis());
            assertThat(offlineMs).isLessThan(HEARTBEAT.detectionBound().toMillis() * 3);
        } finally {
            quit(alice, bob);
        }
    }

    /** The node the page says it is connected to (its status line ends with it). */
    private static String nodeOf(WebDriver d) {
        String text = String.valueOf(((JavascriptExecutor) d).executeScript("return document.getElementById('status').textContent"));
        int at = text.lastIndexOf("node-");
        return at < 0 ? "" : text.substring(at).trim();
    }

    /**
     * The chat unchanged on three {@code tether serve --store redis://…} nodes behind nginx: alice
     * and bob in two browsers on different nodes; bob's node is SIGKILLed; he types while his page
     * reconnects; it resumes on another node through nginx, and both pages show every message once,
     * in one order, and bob online.
     */
    @Test
    void twoBrowsersOnDifferentNodesBehindNginx_bobsNodeKilled_nothingLostOrDoubled() throws Exception {
        Path profiles = Files.createTempDirectory("tether-chromium");
        WebDriver alice = null;
        WebDriver bob = null;
        try (io.tether.app.cluster.ChatNodes cluster = io.tether.app.cluster.ChatNodes.start(3, Duration.ofMillis(300))) {
            alice = browser(profiles.resolve("alice"));
            bob = browser(profiles.resolve("bob"));
            String page = cluster.httpUrl() + "/?ping=300";
            enter(alice, page, "alice");
            WebDriver a = alice;
            await().atMost(WAIT).until(() -> !nodeOf(a).isEmpty());
            enter(bob, page, "bob");
            WebDriver b = bob;
            await().atMost(WAIT).until(() -> !nodeOf(b).isEmpty());
            for (int tries = 0; nodeOf(b).equals(nodeOf(a)) && tries < 6; tries++) {
                enter(b, page, "bob"); // a new page, a new session: round robin moves it on
                await().atMost(WAIT).until(() -> !nodeOf(b).isEmpty());
            }
            String bobsNode = nodeOf(b);
            assertThat(bobsNode).as("bob on another node than alice").isNotEqualTo(nodeOf(a));
            await().atMost(WAIT).until(() -> "true".equals(presenceOf(a, "bob")) && "true".equals(presenceOf(b, "alice")));

            say(a, "hello bob");
            await().atMost(WAIT).until(() -> messages(b).size() == 1);
            say(b, "hi alice");
            await().atMost(WAIT).until(() -> messages(a).size() == 2);

            cluster.kill(bobsNode);
            say(a, "said while bob's node was down");
            say(b, "typed while reconnecting");
            await().atMost(WAIT).until(() -> !nodeOf(b).isEmpty() && !nodeOf(b).equals(bobsNode) && status(b).equals("open"));
            await().atMost(WAIT).until(() -> messages(a).size() == 4 && messages(b).size() == 4);
            await().atMost(WAIT).until(() -> "true".equals(presenceOf(a, "bob")));
            List<String> expected = List.of("alice: hello bob", "bob: hi alice");
            assertThat(messages(a).subList(0, 2)).containsExactlyElementsOf(expected);
            assertThat(messages(a)).containsExactlyInAnyOrder("alice: hello bob", "bob: hi alice",
                    "alice: said while bob's node was down", "bob: typed while reconnecting");
            assertThat(messages(b)).as("one order on every node").containsExactlyElementsOf(messages(a));
            assertThat(count(b, "#pending li")).isZero();
            shot(a, "cluster-alice-after-bobs-node-died");
            shot(b, "cluster-bob-on-" + nodeOf(b));
            System.out.printf("browser chat on 3 nodes: bob moved %s -> %s%n", bobsNode, nodeOf(b));
        } finally {
            quit(alice, bob);
        }
    }

    @SuppressWarnings("unchecked")
    private static java.util.Map<String, Object> socketStats(WebDriver d) {
        return (java.util.Map<String, Object>) ((JavascriptExecutor) d).executeScript(
                "return window.tetherSocket ? {...window.tetherSocket.stats, state: window.tetherSocket.state} : null");
    }

    /**
     * A hidden tab (window minimized) that the browser freezes (Chromium's page lifecycle, through
     * the DevTools protocol) while the room goes on talking. Chromium closes a frozen page's
     * WebSocket (the server sees 1001); on its return the page resumes its session — no reset — and
     * gets what was said meanwhile exactly once. (tether.js not taking its own sleep for the
     * server's death is tested in virtual time: tether.virtual.test.mjs.)
     */
    @Test
    void aFrozenHiddenTab_keepsItsSession_andMissesNothing() throws Exception {
        List<String> serverCauses = new java.util.concurrent.CopyOnWriteArrayList<>();
        Path profiles = Files.createTempDirectory("tether-chromium");
        WebDriver alice = null;
        WebDriver bob = null;
        try (TetherServer server = chatServer(recording(new ChatService(RoomAuthorizer.OPEN, 50), serverCauses))) {
            alice = browser(profiles.resolve("alice"));
            bob = browser(profiles.resolve("bob"));
            enter(alice, "http://127.0.0.1:" + server.port() + "/?ping=300", "alice");
            enter(bob, "http://127.0.0.1:" + server.port() + "/?ping=300", "bob");
            WebDriver a = alice;
            ChromeDriver b = (ChromeDriver) bob;
            say(a, "before");
            await().atMost(WAIT).until(() -> messages(b).size() == 1);
            ((JavascriptExecutor) b).executeScript("window.__disconnects = [];"
                    + "window.tetherSocket.addEventListener('disconnected', (e) => window.__disconnects.push(e.detail))");
            // The window minimized: bob's chat tab becomes hidden and says so with BACKGROUND.
            b.manage().window().minimize();
            assertThat(((JavascriptExecutor) b).executeScript("return document.visibilityState")).isEqualTo("hidden");
            b.executeCdpCommand("Page.setWebLifecycleState", java.util.Map.of("state", "frozen"));
            say(a, "while bob's tab was frozen 1");
            say(a, "while bob's tab was frozen 2");
            await().atMost(WAIT).until(() -> messages(a).size() == 3);
            b.executeCdpCommand("Page.setWebLifecycleState", java.util.Map.of("state", "active"));
            await().atMost(WAIT).until(() -> messages(b).size() == 3);
            assertThat(messages(b)).containsExactly("alice: before", "alice: while bob's tab was frozen 1",
                    "alice: while bob's tab was frozen 2");
            java.util.Map<String, Object> stats = socketStats(b);
            Object disconnects = ((JavascriptExecutor) b).executeScript("return JSON.stringify(window.__disconnects)");
            assertThat(stats).as("the page's socket").isNotNull();
            assertThat(stats.get("resets")).as("the session survived the freeze").isEqualTo(0L);
            // Chromium closes a frozen page's WebSocket (the server sees 1001); the page resumes its
            // session on return: nothing lost, nothing twice, no reset.
            System.out.printf("browser chat, frozen tab: page saw %s, server saw %s%n", disconnects, serverCauses);
            assertThat(stats.get("state")).isEqualTo("open");
            await().atMost(WAIT).until(() -> "true".equals(presenceOf(a, "bob")));
        } finally {
            quit(alice, bob);
        }
    }

    /** {@code chat}, recording why sessions' connections ended (for failure messages). */
    private static io.tether.server.SessionListener recording(io.tether.server.SessionListener chat, List<String> causes) {
        return new io.tether.server.SessionListener() {
            @Override
            public void onSessionCreated(io.tether.server.Session s) {
                chat.onSessionCreated(s);
            }

            @Override
            public void onText(io.tether.server.Session s, String text, io.tether.core.session.Delivery d) {
                chat.onText(s, text, d);
            }

            @Override
            public void onSessionDisconnected(io.tether.server.Session s, Throwable cause) {
                causes.add(String.valueOf(cause));
                chat.onSessionDisconnected(s, cause);
            }

            @Override
            public void onSessionResumed(io.tether.server.Session s) {
                chat.onSessionResumed(s);
            }

            @Override
            public void onSessionExpired(io.tether.server.Session s, io.tether.core.SessionExpiredException e) {
                chat.onSessionExpired(s, e);
            }
        };
    }

    @Test
    void overWss_theDemoLoginBindsTheNickname_andTwoBrowsersTalkInTheirPrivateRoom() throws Exception {
        Path dir = Files.createTempDirectory("tether-wss");
        io.tether.testkit.Certificates ca = io.tether.testkit.Certificates.authority(dir);
        io.tether.testkit.Certificates.ServerPair pair = ca.issue("localhost");
        byte[] secret = "a demo secret of at least 32 bytes!".getBytes(StandardCharsets.US_ASCII);
        WebDriver alice = null;
        WebDriver bob = null;
        try (TetherServer server = TetherServer.start(ServerConfig.builder().port(0).heartbeat(HEARTBEAT).staticRoot("web")
                .tls(io.tether.server.TlsConfig.pem(pair.certificate(), pair.key()))
                .origins(io.tether.server.OriginPolicy.SAME_ORIGIN)
                .authenticator(io.tether.server.auth.JwtAuthenticator.hmac(secret).required(false).build())
                .route(DemoLogin.PATH, new DemoLogin(io.tether.server.auth.JwtIssuer.hmac(secret, null, null,
                        java.time.Clock.systemUTC()), Duration.ofMinutes(5)))
                .endpoint(Endpoint.resumable("/chat", new EchoListener(), new ChatService(ChatService.ROOMS, 50)))
                .build())) {
            alice = browser(dir.resolve("alice"), true);
            bob = browser(dir.resolve("bob"), true);
            String url = "https://localhost:" + server.port() + "/?ping=300";
            enter(alice, url, "alice");
            enter(bob, url, "bob");
            WebDriver a = alice;
            WebDriver b = bob;
            await().atMost(WAIT).until(() -> status(a).equals("open") && status(b).equals("open"));
            openPrivateRoom(a, "bob", "dm:alice+bob");
            openPrivateRoom(b, "alice", "dm:alice+bob");
            say(a, "only for you");
            await().atMost(WAIT).until(() -> messages(b).size() == 1);
            assertThat(messages(b)).containsExactly("alice: only for you");
            assertThat(server.connectionCount()).as("two wss connections").isEqualTo(2);
            shot(b, "wss-private-room");
        } finally {
            quit(alice, bob);
        }
    }
}
