package dev.allotment.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {
    @Test
    void commitIntervalsAreAList() {
        assertEquals(List.of(50L), Options.parse("edge").commitIntervals());
        assertEquals(List.of(50L, 20L, 10L), Options.parse("edge", "--commit-interval", "50, 20,10").commitIntervals());
        assertEquals(20L, Options.parse("baseline-streams", "--commit-interval=20").commitIntervalMs());
    }

    @Test
    void aKindOfOperationHasItsOwnRatesUnlessRateIsGiven() {
        assertEquals(List.of(250.0, 500.0), Options.parse("edge").rates("answer-rate", "250,500", "100"));
        assertEquals(List.of(100.0), Options.parse("edge", "--smoke").rates("answer-rate", "250,500", "100"));
        assertEquals(List.of(300.0), Options.parse("edge", "--answer-rate", "300").rates("answer-rate", "250,500", "100"));
        assertEquals(List.of(50.0, 0.0), Options.parse("edge", "--rate", "50,max", "--answer-rate", "300")
            .rates("answer-rate", "250,500", "100"));
    }

    @Test
    void clientsAndOpsHaveScenarioDefaults() {
        assertEquals(List.of(32), Options.parse("edge").clients("32", "8"));
        assertEquals(List.of(8), Options.parse("edge", "--smoke").clients("32", "8"));
        assertEquals(List.of(8, 32), Options.parse("baseline-postgres").clients());
        assertEquals(List.of("allocate", "query"), Options.parse("edge", "--ops", "allocate,query").ops("allocate,confirm"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("edge", "--no-such-option", "1"));
    }

    @Test
    void keyedIsAFlagOffByDefault() {
        assertFalse(Options.parse("edge").keyed());
        Options keyed = Options.parse("edge", "--keyed", "--rate", "50");
        assertTrue(keyed.keyed());
        assertEquals(List.of(50.0), keyed.rates("answer-rate", "250,500", "100"), "a flag takes no value");
        assertEquals("true", keyed.asParameters().get("keyed"), "the report says the commands were keyed");
    }

    @Test
    void engineConfigBecomesTheEnginesSystemProperties() {
        assertEquals(List.of(), Options.parse("edge").engineConfig());
        assertEquals(List.of("-Da.b=1", "-Dc=x=y"), Options.parse("edge", "--engine-config", " a.b=1  c=x=y ").engineConfig());
        assertThrows(IllegalArgumentException.class, () -> Options.parse("edge", "--engine-config", "a.b").engineConfig());
        assertThrows(IllegalArgumentException.class, () -> Options.parse("edge", "--engine-config", "=1").engineConfig());
    }

    @Test
    void engineJvmOptionsFollowTheEngineConfig() {
        assertEquals(List.of("-XX:+UseZGC", "-XX:SoftMaxHeapSize=512m"),
            Options.parse("queries", "--engine-jvm", " -XX:+UseZGC -XX:SoftMaxHeapSize=512m").engineJvm());
        assertEquals(List.of("-Da=1", "-XX:MaxGCPauseMillis=10"),
            Options.parse("edge", "--engine-config", "a=1", "--engine-jvm", "-XX:MaxGCPauseMillis=10").engineConfig());
        assertThrows(IllegalArgumentException.class, () -> Options.parse("edge", "--engine-jvm", "UseZGC").engineJvm());
    }

    @Test
    void backgroundOrdersAreNoneUnlessAsked() {
        assertEquals(0.0, Options.parse("edge").backgroundOrders());
        assertEquals(250.0, Options.parse("edge", "--background-orders", "250").backgroundOrders());
        assertThrows(IllegalArgumentException.class, () -> Options.parse("edge", "--background-orders", "-1").backgroundOrders());
    }

    @Test
    void theEdgeRunsOnOneInstanceOrTwo() {
        assertEquals(1, Options.parse("edge").instances());
        assertEquals(2, Options.parse("edge", "--instances", "2").instances());
        assertThrows(IllegalArgumentException.class, () -> Options.parse("edge", "--instances", "3").instances());
    }
}
