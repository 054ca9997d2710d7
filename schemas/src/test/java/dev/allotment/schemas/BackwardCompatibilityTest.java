package dev.allotment.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The build's schema-evolution gate: every schema in src/main/avro must read data written with every
 * released version of it kept in src/released/&lt;schema&gt;/v&lt;n&gt;.avsc (BACKWARD compatibility).
 * Releasing a version means copying the current file there as the next v&lt;n&gt;.
 */
class BackwardCompatibilityTest {
    private static final Path CURRENT = Path.of("src/main/avro");
    private static final Path RELEASED = Path.of("src/released");

    @TestFactory
    Stream<DynamicTest> currentSchemasReadEveryReleasedVersion() throws IOException {
        List<Path> released;
        try (Stream<Path> files = Files.walk(RELEASED)) {
            released = files.filter(p -> p.toString().endsWith(".avsc")).sorted().toList();
        }
        assertFalse(released.isEmpty(), "no released schema versions found under " + RELEASED.toAbsolutePath());
        return released.stream().map(old -> DynamicTest.dynamicTest(RELEASED.relativize(old).toString(), () -> {
            Path current = CURRENT.resolve(old.getParent().getFileName() + ".avsc");
            assertTrue(Files.exists(current), "released schema " + old + " has no current version " + current);
            SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(parse(current), parse(old));
            assertEquals(SchemaCompatibilityType.COMPATIBLE, result.getType(),
                () -> current + " cannot read data written with " + old + ": " + result.getResult().getIncompatibilities());
        }));
    }

    @Test
    void theCheckRejectsAnIncompatibleChange() {
        Schema v1 = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}");
        Schema addedRequired = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\"}]}");
        Schema addedOptional = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\",\"default\":0}]}");
        assertEquals(SchemaCompatibilityType.INCOMPATIBLE,
            SchemaCompatibility.checkReaderWriterCompatibility(addedRequired, v1).getType());
        assertEquals(SchemaCompatibilityType.COMPATIBLE,
            SchemaCompatibility.checkReaderWriterCompatibility(addedOptional, v1).getType());
    }

    private static Schema parse(Path file) throws IOException {
        return new Schema.Parser().parse(file.toFile());
    }
}
