package dev.mcdrop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcdrop.data.LabeledImages;
import dev.mcdrop.predict.ImagePrediction;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** File names in the output survive any characters: JSON escaping parsed back by Jackson, RFC 4180 CSV quoting. */
class PredictionWriterTest {
    private static final ImagePrediction P = new ImagePrediction(new float[]{0.25f, 0.75f}, 1, 0.5, 0.1, 0.2, 0.05,
            new float[]{0.5f, 0.5f}, 0);

    private static String write(String format, List<String> files) throws Exception {
        StringWriter s = new StringWriter();
        LabeledImages images = new LabeledImages("x", 1, 1, 1, new byte[files.size()], null);
        PredictionWriter.write(format, new PrintWriter(s), images, files, files.stream().map(f -> P).toArray(ImagePrediction[]::new));
        return s.toString();
    }

    @Test
    void jsonFileNamesRoundTripThroughAJsonParser() throws Exception {
        List<String> names = List.of("plain.png", "quote\"back\\slash.png", "tab\tnew\nline\u0001.png", "ünïcode ✓.png");
        String[] lines = write("jsonl", names).split("\n");
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < names.size(); i++) assertEquals(names.get(i), json.readTree(lines[i]).get("file").asText());
    }

    @Test
    void csvQuotesFieldsThatNeedIt() throws Exception {
        String[] lines = write("csv", List.of("a,b.png", "say \"hi\".png", "simple.png")).split("\n");
        assertEquals("index,file,label,predicted", lines[0].substring(0, "index,file,label,predicted".length()));
        assertEquals("0,\"a,b.png\",,1,", lines[1].substring(0, "0,\"a,b.png\",,1,".length()));
        assertEquals("1,\"say \"\"hi\"\".png\",,1,", lines[2].substring(0, "1,\"say \"\"hi\"\".png\",,1,".length()));
        assertEquals("2,simple.png,,1,", lines[3].substring(0, "2,simple.png,,1,".length()));
    }

    @Test
    void namesMustMatchThePredictions() {
        StringWriter s = new StringWriter();
        LabeledImages images = new LabeledImages("x", 1, 1, 1, new byte[1], null);
        assertThrows(IllegalArgumentException.class,
                () -> PredictionWriter.write("jsonl", new PrintWriter(s), images, List.of("a", "b"), new ImagePrediction[]{P}));
    }
}
