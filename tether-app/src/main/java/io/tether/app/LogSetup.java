package io.tether.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * {@code --log-format} and {@code --log-level}: replaces the bundled logback.xml with one console
 * appender on stderr, writing text lines or JSON lines (Logback's own {@link JsonEncoder}: level,
 * logger, thread, timestamp in ms, the formatted message, the key-value pairs such as
 * {@code connection} and {@code session} in {@code kvpList}, and any throwable), for log shippers.
 */
final class LogSetup {
    enum Format { TEXT, JSON }

    private LogSetup() {
    }

    static void apply(Format format, String level) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("STDERR");
        console.setTarget("System.err");
        console.setEncoder(encoder(format, context));
        console.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level.toUpperCase(Locale.ROOT), Level.INFO));
        root.addAppender(console);
        context.getLogger("io.netty").setLevel(Level.WARN);
        context.getLogger("io.lettuce").setLevel(Level.WARN);
    }

    private static Encoder<ILoggingEvent> encoder(Format format, LoggerContext context) {
        if (format == Format.JSON) {
            JsonEncoder json = new JsonEncoder();
            json.setContext(context);
            // One compact object per line: what a shipper indexes, not Logback's bookkeeping.
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.setWithContext(false);
            json.setWithMessage(false);
            json.setWithArguments(false);
            json.setWithFormattedMessage(true);
            json.start();
            return json;
        }
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(context);
        text.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg %kvp%n");
        text.start();
        return text;
    }
}
