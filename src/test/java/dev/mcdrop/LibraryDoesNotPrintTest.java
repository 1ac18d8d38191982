package dev.mcdrop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.constantpool.FieldRefEntry;
import java.lang.classfile.constantpool.MethodRefEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Library code does not print; the CLI decides what to print. No compiled class outside
 * {@code dev.mcdrop.cli} refers to {@code System.out}, {@code System.err} or
 * {@code Throwable.printStackTrace()} (read from each class file's constant pool, so a static
 * import or a fully qualified name is caught as well): the library logs through
 * {@link System.Logger} or hands lines to a listener its caller gives.
 */
class LibraryDoesNotPrintTest {
    @Test
    void noLibraryClassTouchesStdoutOrStderr() throws IOException, URISyntaxException {
        Path classes = Path.of(Backends.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> offenders = new ArrayList<>();
        int scanned = 0;
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                String name = classes.relativize(f).toString().replace('\\', '/');
                if (name.startsWith("dev/mcdrop/cli/")) continue;
                scanned++;
                for (PoolEntry e : ClassFile.of().parse(f).constantPool()) {
                    if (e instanceof FieldRefEntry field && field.owner().asInternalName().equals("java/lang/System")
                            && (field.name().equalsString("out") || field.name().equalsString("err"))) {
                        offenders.add(name + ": System." + field.name().stringValue());
                    }
                    if (e instanceof MethodRefEntry method && method.name().equalsString("printStackTrace")
                            && method.type().equalsString("()V")) {
                        offenders.add(name + ": printStackTrace()");
                    }
                }
            }
        }
        assertTrue(scanned > 100, "scanned only " + scanned + " classes under " + classes);
        assertEquals(List.of(), offenders);
    }
}
