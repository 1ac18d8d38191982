package dev.mcdrop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcdrop.backend.Backend;
import dev.mcdrop.data.Idx;
import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.model.Weights;
import dev.mcdrop.model.WeightsFile;
import dev.mcdrop.predict.ImagePrediction;
import dev.mcdrop.predict.McOptions;
import dev.mcdrop.predict.McPredictor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's "Use from Java" example, run as written. The README's code block must be the code
 * between the markers below (so the example cannot go stale), and what it computes must be what
 * MC dropout promises on the bundled digits: accurate, better than standard dropout, and more
 * uncertain (mutual information) where it is wrong.
 */
class JavaApiExampleTest {
    private static final String README_SECTION = "## Use from Java";

    static ImagePrediction[] readmeExample() throws IOException {
        // README-BEGIN
        Weights lenet = WeightsFile.load(Path.of("models/lenet-all.safetensors"));       // memory-mapped; architecture from its metadata
        LabeledImages digits = Idx.read(Path.of("test-data/mnist/t10k-images-first1000-idx3-ubyte.gz"),
                Path.of("test-data/mnist/t10k-labels-first1000-idx1-ubyte.gz"));
        McOptions options = McOptions.defaults().withSamples(100).withSeed(1);           // T = 100 passes per image
        ImagePrediction[] predictions;
        try (Backend backend = Backends.open("auto");                                    // the GPU when one works, else every CPU core
             McPredictor mc = new McPredictor(backend, lenet, options)) {                // buffers allocated once, here
            predictions = mc.predict(digits);                                            // one per image, in order
        }
        ImagePrediction first = predictions[0];
        System.out.printf("class %d, p = %.3f, entropy %.3f nats, mutual information %.4f nats%n",
                first.predicted(), first.meanProbs()[first.predicted()], first.entropy(), first.mutualInformation());
        // README-END
        return predictions;
    }

    @Test
    void readmeExampleRunsAndItsAnswersCarryUncertainty() throws IOException {
        ImagePrediction[] ps = readmeExample();
        LabeledImages digits = Idx.read(Path.of("test-data/mnist/t10k-images-first1000-idx3-ubyte.gz"),
                Path.of("test-data/mnist/t10k-labels-first1000-idx1-ubyte.gz"));
        assertEquals(digits.count(), ps.length);
        int mcWrong = 0, standardWrong = 0;
        double miWrong = 0, miRight = 0;
        for (int i = 0; i < ps.length; i++) {
            boolean wrong = ps[i].predicted() != digits.label(i);
            mcWrong += wrong ? 1 : 0;
            standardWrong += ps[i].standardPredicted() != digits.label(i) ? 1 : 0;
            if (wrong) miWrong += ps[i].mutualInformation(); else miRight += ps[i].mutualInformation();
        }
        assertTrue(mcWrong <= 10, "MC dropout misclassified " + mcWrong + " of 1000 bundled digits");
        assertTrue(mcWrong < standardWrong, "MC " + mcWrong + " errors vs standard dropout " + standardWrong);
        double meanWrong = miWrong / mcWrong, meanRight = miRight / (ps.length - mcWrong);
        assertTrue(meanWrong > 10 * meanRight,
                "mutual information on errors " + meanWrong + " should dwarf that on correct answers " + meanRight);
    }

    @Test
    void readmeShowsExactlyTheTestedCode() throws IOException {
        List<String> tested = region(Files.readAllLines(Path.of("src/test/java/dev/mcdrop/JavaApiExampleTest.java")),
                "// README-BEGIN", "// README-END");
        List<String> block = javaBlockAfter(Files.readAllLines(Path.of("README.md"), StandardCharsets.UTF_8), README_SECTION);
        List<String> imports = block.stream().filter(l -> l.startsWith("import ")).toList();
        List<String> body = block.stream().filter(l -> !l.startsWith("import ") && !l.isBlank()).toList();
        assertEquals(dedent(tested), dedent(body), "README's " + README_SECTION + " block differs from the tested example");
        List<String> ourImports = Files.readAllLines(Path.of("src/test/java/dev/mcdrop/JavaApiExampleTest.java")).stream()
                .filter(l -> l.startsWith("import ")).toList();
        for (String i : imports) assertTrue(ourImports.contains(i) || i.equals("import dev.mcdrop.Backends;"), "README import not used by the test: " + i);
        assertTrue(imports.size() >= 8, "README block should list its imports: " + imports);
    }

    private static List<String> region(List<String> lines, String begin, String end) {
        int from = -1, to = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(begin)) from = i + 1;
            if (lines.get(i).strip().equals(end)) to = i;
        }
        assertTrue(from > 0 && to > from, "markers " + begin + " / " + end + " not found");
        return lines.subList(from, to);
    }

    private static List<String> javaBlockAfter(List<String> readme, String heading) {
        int h = readme.indexOf(heading);
        assertTrue(h >= 0, "README has no '" + heading + "' section");
        int open = -1;
        for (int i = h + 1; i < readme.size(); i++) {
            if (readme.get(i).startsWith("## ")) break;
            if (readme.get(i).equals("```java")) { open = i; break; }
        }
        assertTrue(open > 0, "no ```java block under '" + heading + "'");
        List<String> block = new ArrayList<>();
        for (int i = open + 1; i < readme.size() && !readme.get(i).equals("```"); i++) block.add(readme.get(i));
        return block;
    }

    private static List<String> dedent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return lines.stream().filter(l -> !l.isBlank()).map(l -> l.substring(indent).stripTrailing()).toList();
    }
}
