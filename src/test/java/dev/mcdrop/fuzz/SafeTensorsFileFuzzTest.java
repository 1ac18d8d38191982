package dev.mcdrop.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mcdrop.io.SafeTensorsFile;
import dev.mcdrop.io.TensorInfo;
import dev.mcdrop.io.WeightsFormatException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the safetensors reader (io/SafeTensorsFile and the header parser
 * io/SafeTensorsHeader behind it). The input is the whole file. Contract: {@link SafeTensorsFile#open}
 * and every read either succeed with self-consistent results or throw {@link WeightsFormatException}
 * with a clean message; any other throwable, a hang (@Timeout, also libFuzzer's -timeout) or an
 * OutOfMemoryError is a finding. Seeds: SafeTensorsFileFuzzTestInputs/. See scripts/fuzz.sh.
 * (io/SafeTensorsFuzzTest keeps its seeded, non-guided mutations as a plain unit test.)
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SafeTensorsFileFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void openAndRead(byte[] input) {
        Path file = FuzzSupport.write("fuzz.safetensors", input);
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            f.metadata().forEach((k, v) -> { });
            long dataBytes = input.length - 8 - littleEndianLong(input);
            for (String name : f.names()) {
                check(f, name, dataBytes);
            }
        } catch (WeightsFormatException e) {
            FuzzSupport.assertCleanMessage(e, file.toString());
        }
    }

    /** A tensor the header accepted must be readable, inside the data section, and agree with itself. */
    private static void check(SafeTensorsFile f, String name, long dataBytes) throws WeightsFormatException {
        TensorInfo t = f.info(name);
        BigInteger product = BigInteger.ONE;
        for (long d : t.shape()) {
            if (d < 0) throw new AssertionError(name + ": negative dimension accepted");
            product = product.multiply(BigInteger.valueOf(d));
        }
        long elements = t.elementCount(); // documented as validated: must not overflow
        if (!product.equals(BigInteger.valueOf(elements))) {
            throw new AssertionError(name + ": elementCount " + elements + " != " + product);
        }
        if (t.dataBegin() < 0 || t.dataEnd() < t.dataBegin() || t.dataEnd() > dataBytes) {
            throw new AssertionError(name + ": data_offsets [" + t.dataBegin() + ", " + t.dataEnd()
                    + ") accepted outside the data section of " + dataBytes + " bytes");
        }
        if (f.segment(name).byteSize() != t.byteLength()) throw new AssertionError(name + ": segment size != byteLength");
        boolean finite = f.allFinite(name);
        float[] values = f.readFloats(name); // inputs are small, so any accepted tensor fits
        if (values.length != elements) throw new AssertionError(name + ": read " + values.length + " of " + elements + " values");
        boolean allFinite = true;
        for (float v : values) allFinite &= Float.isFinite(v);
        if (finite != allFinite) throw new AssertionError(name + ": allFinite says " + finite + " but the values say " + allFinite);
    }

    private static long littleEndianLong(byte[] b) {
        long v = 0;
        for (int i = 7; i >= 0; i--) v = (v << 8) | (b[i] & 0xFF);
        return v;
    }
}
