package io.tether.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine.TypeConversionException;

class SizeConverterTest {

    @ParameterizedTest(name = "{0} = {1} bytes")
    @CsvSource({
        "0, 0", "65536, 65536", "512B, 512", "512b, 512", "64KiB, 65536", "64kib, 65536", "16MiB, 16777216",
        "1GiB, 1073741824", "' 2 MiB ', 2097152", "2147483647, 2147483647", "1048575KiB, 1073740800"})
    void readsBytesAndBinaryUnits(String text, int bytes) {
        assertThat(new SizeConverter().convert(text)).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "'{0}' refused")
    @CsvSource({"12XB, unknown unit 'XB'", "MiB, expected bytes", "-1, expected bytes", "1.5MiB, expected bytes",
        "'', expected bytes", "1MB, 'MB' is ambiguous; write MiB", "64k, 'k' is ambiguous; write KiB",
        "2GiB, too large: at most 2147483647 bytes", "2147483648, too large",
        "99999999999999999999, expected bytes", "9999999999999999999, too large"})
    void refusesWhatItCannotRead_sayingWhy(String text, String message) {
        assertThatThrownBy(() -> new SizeConverter().convert(text)).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining(message);
    }
}
