package dev.mcdrop.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mcdrop.model.Architecture;
import dev.mcdrop.model.ArchitectureException;
import dev.mcdrop.model.ArchitectureJson;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the architecture JSON reader (model/ArchitectureJson) and the
 * compiler behind it (Network.compile), the path every --arch file and every weights file's
 * __metadata__.architecture takes. The input is the JSON text (bytes decoded as UTF-8; the file
 * layer's encoding check is not this parser's job). Contract: parse and compile either succeed or
 * throw {@link ArchitectureException} with a clean message naming the source; an architecture that
 * compiles survives toJson → parse unchanged (that is how it is saved into weights files). Any
 * other throwable, a hang or an OutOfMemoryError is a finding. Seeds: ArchitectureJsonFuzzTestInputs/.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ArchitectureJsonFuzzTest {

    private static final String SOURCE = "fuzz.json";

    @FuzzTest(maxDuration = "2m")
    void parseAndCompile(byte[] input) {
        String json = new String(input, StandardCharsets.UTF_8);
        Architecture a;
        try {
            a = ArchitectureJson.parse(json, SOURCE);
        } catch (ArchitectureException e) {
            FuzzSupport.assertCleanMessage(e, SOURCE);
            return;
        }
        try {
            a.compile();
        } catch (ArchitectureException e) {
            FuzzSupport.assertCleanMessage(e, "architecture"); // Network names the architecture, not the file
            return;
        }
        String saved = ArchitectureJson.toJson(a);
        Architecture back;
        try {
            back = ArchitectureJson.parse(saved, "saved");
        } catch (ArchitectureException e) {
            throw new AssertionError("toJson wrote JSON that parse rejects: " + FuzzSupport.escape(saved), e);
        }
        if (!back.equals(a)) {
            throw new AssertionError("round trip changed the architecture: " + a + " became " + back);
        }
    }
}
