package dev.allotment.services;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering the code is read by (CONVENTIONS.md: schemas ← streams ← services), checked on the compiled classes of
 * every module: the allocation and order rules are plain Java, the engine never reaches into the edge, and the edge
 * reads the engine's state through the query port ({@code streams.state.EngineState}) only.
 */
class LayeringTest {
    private static final String ALLOCATION = "dev.allotment.streams.allocation..";
    private static final String ORDER = "dev.allotment.streams.order..";
    private static final String AUDIT = "dev.allotment.streams.audit..";
    private static final String TOPOLOGY = "dev.allotment.streams.topology..";
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.allotment");
    }

    @Test
    void allocationOrderAndAuditRulesArePlainJava() {
        check(noClasses().that().resideInAnyPackage(ALLOCATION, ORDER, AUDIT)
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", TOPOLOGY, "dev.allotment.streams.state..",
                "dev.allotment.streams.support..")
            .because("a rule is a function over plain values: the topology calls the rules, never the other way"));
    }

    @Test
    void theEngineNeverReachesIntoTheEdge() {
        check(noClasses().that().resideInAnyPackage("dev.allotment.streams..", "dev.allotment.schemas..")
            .should().dependOnClassesThat().resideInAPackage("dev.allotment.services..")
            .because("dependencies point one way: schemas <- streams <- services"));
        check(noClasses().that().resideInAPackage("dev.allotment.schemas..")
            .should().dependOnClassesThat().resideInAPackage("dev.allotment.streams..")
            .because("dependencies point one way: schemas <- streams <- services"));
    }

    @Test
    void authenticationDoesNotKnowTheControllers() {
        check(noClasses().that().resideInAPackage("dev.allotment.services.auth..")
            .should().dependOnClassesThat().resideInAPackage("dev.allotment.services.http..")
            .because("the filter answers in the shared error shape (services.errors), not through a controller's classes"));
    }

    @Test
    void onlyTheRuntimeStartsTheTopology() {
        check(noClasses().that().resideInAPackage("dev.allotment.services..")
            .and().doNotHaveFullyQualifiedName("dev.allotment.services.engine.StreamsRuntime")
            .should().dependOnClassesThat().resideInAPackage(TOPOLOGY)
            .because("the edge reads state through the query port; only the runtime builds and starts the topology"));
    }

    @Test
    void controllersReachStateOnlyThroughTheQueryPort() {
        check(noClasses().that().resideInAnyPackage("dev.allotment.services.http..", "dev.allotment.services.webhook..")
            .should().dependOnClassesThat().resideInAPackage("org.apache.kafka.streams..")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.allotment.streams.state.StoreNames")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.allotment.streams.state.HistoryKeys")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.allotment.streams.state.LocalEngineState")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.allotment.streams.allocation.BookKeys")
            .because("store names, key encodings and interactive queries belong to the query port (EngineState)"));
    }

    private static void check(ArchRule rule) {
        rule.check(classes);
    }
}
