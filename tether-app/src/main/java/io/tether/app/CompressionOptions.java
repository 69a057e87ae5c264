package io.tether.app;

import io.tether.core.CompressionConfig;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * permessage-deflate flags shared by {@code serve} and {@code connect}. Off unless asked for, as in
 * the library: a server keeps up to about 300 KiB of zlib state per connection that has exchanged
 * compressed messages (docs/compression.md), which a chat server with many idle connections should
 * choose knowingly.
 */
final class CompressionOptions {
    @Option(names = "--compression", paramLabel = "on|off", arity = "0..1", fallbackValue = "on", defaultValue = "off",
            converter = OnOff.class,
            description = "permessage-deflate (RFC 7692): serve accepts it from clients that offer it, connect offers it"
                    + " (default ${DEFAULT-VALUE}; --compression alone means on).")
    boolean enabled;

    @Option(names = "--compression-min-size", converter = SizeConverter.class, paramLabel = "SIZE",
            defaultValue = "" + CompressionConfig.DEFAULT_MIN_MESSAGE_SIZE,
            description = "With --compression: send messages smaller than this uncompressed (default ${DEFAULT-VALUE} bytes).")
    int minSize;

    CompressionConfig toConfig() {
        return CompressionConfig.builder().enabled(enabled).minMessageSize(minSize).build();
    }

    /** {@code on} or {@code off} (any case); picocli itself passes {@code true} for the bare flag. */
    static final class OnOff implements CommandLine.ITypeConverter<Boolean> {
        @Override
        public Boolean convert(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "on", "true" -> true;
                case "off", "false" -> false;
                default -> throw new CommandLine.TypeConversionException("expected on or off, was '" + value + "'");
            };
        }
    }
}
