package io.tether.app;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Reads sizes on the command line: plain bytes ({@code 65536}) or a whole number with a binary
 * unit, {@code B}, {@code KiB}, {@code MiB} or {@code GiB} ({@code 64KiB}, {@code 16MiB}); units
 * ignore case. Decimal units (KB, MB, GB) are refused rather than guessed at. The result must fit
 * an int, as Tether's limits are ints.
 */
final class SizeConverter implements CommandLine.ITypeConverter<Integer> {
    static final String FORMS = "bytes (65536) or a whole number with B, KiB, MiB or GiB (512B, 64KiB, 16MiB, 1GiB)";
    private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*([A-Za-z]*)");

    @Override
    public Integer convert(String value) {
        return parse(value);
    }

    static int parse(String value) {
        Matcher m = SIZE.matcher(value.strip());
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException("cannot read size '" + value + "': expected " + FORMS);
        }
        String unit = m.group(2).toLowerCase(Locale.ROOT);
        int shift = switch (unit) {
            case "", "b" -> 0;
            case "kib" -> 10;
            case "mib" -> 20;
            case "gib" -> 30;
            case "k", "kb", "m", "mb", "g", "gb" -> throw new CommandLine.TypeConversionException("cannot read size '"
                    + value + "': '" + m.group(2) + "' is ambiguous; write " + Character.toUpperCase(unit.charAt(0))
                    + "iB (binary) or plain bytes");
            default -> throw new CommandLine.TypeConversionException("cannot read size '" + value + "': unknown unit '"
                    + m.group(2) + "'; expected " + FORMS);
        };
        long number;
        try {
            number = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            number = Long.MAX_VALUE;
        }
        if (number > (Integer.MAX_VALUE >> shift)) {
            throw new CommandLine.TypeConversionException("size '" + value + "' is too large: at most "
                    + Integer.MAX_VALUE + " bytes (2GiB - 1)");
        }
        return (int) (number << shift);
    }
}
