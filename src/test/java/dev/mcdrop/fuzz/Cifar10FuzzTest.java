package dev.mcdrop.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mcdrop.data.Cifar10;
import dev.mcdrop.data.DataFormatException;
import dev.mcdrop.data.LabeledImages;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the CIFAR-10 binary reader (data/Cifar10). The input is one batch
 * file, read alone and twice in a row (as the five training batches are concatenated). Contract:
 * a read either returns exactly the file's records (label byte, then 3072 pixel bytes each, labels
 * 0–9) or throws {@link DataFormatException} with a clean message naming the file; any other
 * throwable, a hang or an OutOfMemoryError is a finding. Seeds: Cifar10FuzzTestInputs/.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class Cifar10FuzzTest {

    @FuzzTest(maxDuration = "2m")
    void read(byte[] input) {
        Path file = FuzzSupport.write("fuzz_batch.bin", input);
        readAndCheck(List.of(file), input, 1);
        readAndCheck(List.of(file, file), input, 2);
    }

    private static void readAndCheck(List<Path> files, byte[] input, int copies) {
        LabeledImages set;
        try {
            set = Cifar10.read(files);
        } catch (DataFormatException e) {
            FuzzSupport.assertCleanMessage(e, files.getFirst().toString());
            return;
        } catch (IOException e) {
            throw new AssertionError("not a DataFormatException: " + e, e);
        }
        int perFile = input.length / Cifar10.RECORD_BYTES;
        if (input.length % Cifar10.RECORD_BYTES != 0 || set.count() != copies * perFile) {
            throw new AssertionError("accepted " + input.length + " bytes as " + set.count() + " records");
        }
        if (set.channels() != 3 || set.height() != 32 || set.width() != 32) throw new AssertionError("shape " + set);
        for (int i = 0; i < set.count(); i++) {
            int at = (i % perFile) * Cifar10.RECORD_BYTES;
            int label = input[at] & 0xFF;
            if (label > 9 || set.label(i) != label) throw new AssertionError("record " + i + ": label " + set.label(i) + " from byte " + label);
            if (!Arrays.equals(set.imageBytes(i), Arrays.copyOfRange(input, at + 1, at + Cifar10.RECORD_BYTES))) {
                throw new AssertionError("record " + i + ": pixels differ from the file");
            }
        }
    }
}
