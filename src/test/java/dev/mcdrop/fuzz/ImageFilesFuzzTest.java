package dev.mcdrop.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mcdrop.data.DataFormatException;
import dev.mcdrop.data.ImageFiles;
import dev.mcdrop.data.LabeledImages;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the picture front-end (data/ImageFiles: javax.imageio decoding of
 * PNG, JPEG, GIF, BMP, TIFF, ..., then gray or RGB conversion, area resize and inversion). The
 * input is the picture file; it is loaded as a 28×28 gray input (MNIST, auto-invert) and as a
 * 32×32 RGB input (CIFAR). Contract: a load either returns one image of exactly the requested
 * shape or throws {@link DataFormatException} with a clean message naming the file; any other
 * throwable, a hang or an OutOfMemoryError is a finding (mcdrop bounds decoding by
 * ImageFiles.MAX_PIXELS). Seeds: ImageFilesFuzzTestInputs/.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ImageFilesFuzzTest {

    private static final List<ImageFiles.Options> TARGETS = List.of(
            ImageFiles.Options.MNIST, new ImageFiles.Options(3, 32, 32, false));

    @FuzzTest(maxDuration = "2m")
    void load(byte[] input) {
        Path file = FuzzSupport.write("fuzz-picture", input);
        for (ImageFiles.Options target : TARGETS) {
            LabeledImages set;
            try {
                set = ImageFiles.load(List.of(file), target);
            } catch (DataFormatException e) {
                FuzzSupport.assertCleanMessage(e, file.toString());
                return; // the same bytes fail the same way for the other target
            } catch (IOException e) {
                throw new AssertionError("not a DataFormatException: " + e, e);
            }
            if (set.count() != 1 || set.hasLabels() || set.channels() != target.channels()
                    || set.height() != target.height() || set.width() != target.width()) {
                throw new AssertionError("loaded " + set + " for target " + target);
            }
        }
    }
}
