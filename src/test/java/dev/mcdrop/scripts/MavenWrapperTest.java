package dev.mcdrop.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Maven that {@code ./mvnw} pins builds this project on Java 25 without the JDK's
 * "sun.misc.Unsafe::staticFieldBase has been called by com.google.inject..." warnings (Maven
 * 3.9.11's Guice printed four of them on every build; 3.9.12 and later turn Guice's class
 * definer off). Runs the wrapper itself, offline: CI reaches this test through {@code ./mvnw},
 * so the pinned distribution and the project's plugins are already in the local repository.
 */
class MavenWrapperTest {
    private static String pinnedVersion() throws IOException {
        var props = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(".mvn/wrapper/maven-wrapper.properties"))) {
            props.load(r);
        }
        Matcher m = Pattern.compile("/apache-maven-([^/]+)-bin\\.zip$").matcher(props.getProperty("distributionUrl", ""));
        assertTrue(m.find(), "distributionUrl names no apache-maven-<version>-bin.zip: " + props);
        return m.group(1);
    }

    @Test
    void pinnedMavenBuildsWithoutUnsafeWarnings() throws IOException, InterruptedException {
        String version = pinnedVersion();
        var pb = new ProcessBuilder(List.of("./mvnw", "-V", "-B", "-ntp", "-o", "validate")).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("MAVEN_OPTS");   // only what the wrapper and .mvn/ configure
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "./mvnw did not finish: " + out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("Apache Maven " + version + " "), "not the pinned Maven " + version + ":\n" + out);
        assertFalse(out.contains("sun.misc.Unsafe"), out);
        assertFalse(out.lines().anyMatch(l -> l.startsWith("WARNING: ")), out);
    }
}
