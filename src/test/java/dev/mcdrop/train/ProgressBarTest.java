package dev.mcdrop.train;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The trainer's progress line: its exact format, durations, and when it redraws. */
class ProgressBarTest {

    @Test
    void lineFormat() {
        var p = new ProgressListener.Progress(4200, 10000, 0.0834, 0.00712, 1530.4, 140);
        assertEquals("[########............] 4200/10000 42% loss 0.083 lr 0.00712 1530 img/s ETA 3m13s",
                ProgressBar.line(p));
        assertEquals("45s", ProgressBar.duration(45));
        assertEquals("1h02m", ProgressBar.duration(3725));
    }

    @Test
    void plainLinesWhenNotATerminal() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, 10);
        for (int i = 1; i <= 25; i++) bar.progress(new ProgressListener.Progress(i, 25, 1.0, 0.01, 100, i));
        bar.finished(new TrainResult(java.util.Map.of(), 25, 0.5, 25));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertFalse(out.contains("\r"));
        assertEquals(4, out.lines().count(), out); // 10, 20, 25, summary
        assertTrue(out.lines().toList().get(2).contains(" 25/25 100% "));
    }

    @Test
    void terminalRedrawsAreThrottled() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, 10);
        for (int i = 1; i <= 1000; i++) bar.progress(new ProgressListener.Progress(i, 1000, 1.0, 0.01, 100, i));
        long redraws = bytes.toString(StandardCharsets.UTF_8).chars().filter(ch -> ch == '\r').count();
        assertTrue(redraws >= 2 && redraws < 50, "redraws " + redraws);
    }
}
